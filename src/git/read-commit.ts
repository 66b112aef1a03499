// Reads a pushed commit without a checkout: single files through `git cat-file`, the whole tree through `git archive`.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { runGit, type GitObjectEnv } from './run-git.js';
import { isSha } from './refs.js';
import { PaasError } from '../errors.js';

function checkSha(sha: string): void {
  if (!isSha(sha)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `not a commit id: ${JSON.stringify(sha)}`);
}

/**
 * The content of `file` at the root of commit `sha`, or undefined when the commit has no such file.
 * `env` points git at the push's quarantine while pre-receive runs.
 */
export async function readFileAtCommit(repo: string, sha: string, file: string, env: GitObjectEnv = {}): Promise<Buffer | undefined> {
  checkSha(sha);
  const result = await runGit(['--git-dir', repo, 'cat-file', 'blob', `${sha}:${file}`], { env, allowFail: true });
  return result.code === 0 ? result.stdout : undefined;
}

/** A tar stream of the commit's tree, from `git archive`; it errors when git fails. */
export function archiveCommit(repo: string, sha: string, env: GitObjectEnv = {}): Readable {
  checkSha(sha);
  const child = spawn('git', ['--git-dir', repo, 'archive', '--format=tar', sha], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (d: Buffer) => stderr.push(d));
  child.on('close', (code) => {
    if (code !== 0) {
      child.stdout.destroy(new PaasError('PAAS_ERR_GIT', `git archive failed: ${Buffer.concat(stderr).toString().trim()}`));
    }
  });
  return child.stdout;
}
