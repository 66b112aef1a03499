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
  if (!fs.existsSync(path.join(repo, 'HEAD'))) await initAtomically(repo);
  const hooksDir = path.join(repo, 'hooks');
  fs.mkdirSync(hooksDir, { recursive: true });
  for (const hook of ['pre-receive']) installHook(path.join(installDir, 'hooks', hook), path.join(hooksDir, hook));
  return repo;
}

/**
 * Makes the bare repo beside its place, then renames it into place: two first pushes of a new app (or a push and
 * `apps:create`) may both find it missing, and two `git init`s into one directory collide on its files. The one
 * whose rename loses finds the other's repo there and drops its own.
 */
async function initAtomically(repo: string): Promise<void> {
  fs.mkdirSync(path.dirname(repo), { recursive: true });
  const temporary = `${repo}.${process.pid}.${Math.random().toString(36).slice(2)}.init`;
  try {
    await runGit(['init', '--bare', '--quiet', '--initial-branch=main', temporary]);
    try {
      fs.renameSync(temporary, repo);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !fs.existsSync(path.join(repo, 'HEAD'))) throw err;
    }
  } finally {
    fs.rmSync(temporary, { recursive: true, force: true });
  }
}

/**
 * Puts the hook in place only when it differs, and atomically (written beside, then renamed over): git may be
 * executing the old one for a concurrent push, and a hook half written is `Text file busy` or worse.
 */
function installHook(source: string, target: string): void {
  const wanted = fs.readFileSync(source);
  try {
    if (fs.readFileSync(target).equals(wanted) && (fs.statSync(target).mode & 0o777) === 0o755) return;
  } catch {
    // Not there yet.
  }
  const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(temporary, wanted, { mode: 0o755 });
  fs.chmodSync(temporary, 0o755);
  fs.renameSync(temporary, target);
}

export function removeRepo(dataDir: string, app: string): void {
  fs.rmSync(repoPath(dataDir, app), { recursive: true, force: true });
}
