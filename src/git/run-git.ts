// Runs the system git with an argv array (never a shell).
import { spawn } from 'node:child_process';
import { PaasError } from '../errors.js';

/** Environment that points git at a pre-receive quarantine, so objects of a push in progress are readable. */
export type GitObjectEnv = Partial<Record<'GIT_OBJECT_DIRECTORY' | 'GIT_ALTERNATE_OBJECT_DIRECTORIES' | 'GIT_QUARANTINE_PATH', string>>;

export const GIT_OBJECT_ENV_KEYS = ['GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_QUARANTINE_PATH'] as const;

/** Runs git and resolves with its stdout; rejects with git's stderr on a non-zero exit. */
export function runGit(args: string[], options: { env?: GitObjectEnv; allowFail?: boolean } = {}): Promise<{ code: number; stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new PaasError('PAAS_ERR_GIT', `cannot run git: ${e.message}`, { cause: e })));
    child.on('close', (code) => {
      if (code !== 0 && !options.allowFail) {
        const message = Buffer.concat(err).toString().trim().split('\n').pop() ?? '';
        return reject(new PaasError('PAAS_ERR_GIT', `git ${args[0]} failed: ${message}`));
      }
      resolve({ code: code ?? 1, stdout: Buffer.concat(out) });
    });
  });
}
