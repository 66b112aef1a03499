// What the terminal CLI does in the user's own repository and desktop: set the `paas` git remote, open a URL.
// Always git and xdg-open themselves with argument lists, never a shell.
import { execFileSync, spawn } from 'node:child_process';
import { PaasError } from '../errors.js';

const git = (args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });

/** Whether the current directory is inside a git work tree. */
export function inGitRepo(): boolean {
  try {
    return git(['rev-parse', '--is-inside-work-tree']).trim() === 'true';
  } catch {
    return false;
  }
}

/**
 * Sets remote `name` to `url` in the current repository: added, or its URL replaced; with `keep`, a remote of that
 * name that points elsewhere is left as it is ('kept').
 */
export function setGitRemote(name: string, url: string, keep = false): 'added' | 'updated' | 'unchanged' | 'kept' {
  if (!inGitRepo()) throw new PaasError('PAAS_ERR_INVALID_INPUT', "not in a git repository: run this in your app's repository (or git init first)");
  let current: string | undefined;
  try {
    current = git(['remote', 'get-url', name]).trim();
  } catch {
    current = undefined;
  }
  if (current === url) return 'unchanged';
  if (keep && current !== undefined) return 'kept';
  git(current === undefined ? ['remote', 'add', name, url] : ['remote', 'set-url', name, url]);
  return current === undefined ? 'added' : 'updated';
}

/** The URL of remote `name` of the current repository, or undefined. */
export function gitRemoteUrl(name: string): string | undefined {
  try {
    return git(['remote', 'get-url', name]).trim();
  } catch {
    return undefined;
  }
}

/** Opens `url` in the desktop's browser when there is a desktop; resolves whether it tried. */
export function openInBrowser(url: string): boolean {
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return false;
  try {
    spawn('xdg-open', [url], { detached: true, stdio: 'ignore' })
      .on('error', () => {})
      .unref();
    return true;
  } catch {
    return false;
  }
}
