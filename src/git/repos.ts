// Bare repositories, one per app, under DATA_DIR/repos, with the paas hooks installed.
import fs from 'node:fs';
import path from 'node:path';
import { runGit } from './run-git.js';

/** Where an app's bare repo lives; `app` must already be a checked app name. */
export function repoPath(dataDir: string, app: string): string {
  return path.join(dataDir, 'repos', `${app}.git`);
}

/** Creates the app's bare repo when missing and (re)installs the hooks from `installDir/hooks`. */
export async function ensureRepo(dataDir: string, installDir: string, app: string): Promise<string> {
  const repo = repoPath(dataDir, app);
  if (!fs.existsSync(path.join(repo, 'HEAD'))) {
    fs.mkdirSync(path.dirname(repo), { recursive: true });
    await runGit(['init', '--bare', '--quiet', '--initial-branch=main', repo]);
  }
  const hooksDir = path.join(repo, 'hooks');
  fs.mkdirSync(hooksDir, { recursive: true });
  for (const hook of ['pre-receive']) {
    fs.copyFileSync(path.join(installDir, 'hooks', hook), path.join(hooksDir, hook));
    fs.chmodSync(path.join(hooksDir, hook), 0o755);
  }
  return repo;
}

export function removeRepo(dataDir: string, app: string): void {
  fs.rmSync(repoPath(dataDir, app), { recursive: true, force: true });
}
