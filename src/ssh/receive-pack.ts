// Runs the system `git receive-pack` for one SSH exec channel: argv only, stdio piped, exit status passed back.
import { spawn } from 'node:child_process';
import type { ServerChannel } from 'ssh2';

export interface ReceivePackOptions {
  repo: string;
  env: Record<string, string>;
  maxInputBytes: number;
}

/** Pipes the channel through git receive-pack; resolves with its exit code once both output streams ended. */
export function runReceivePack(channel: ServerChannel, options: ReceivePackOptions): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('git', ['-c', `receive.maxInputSize=${options.maxInputBytes}`, 'receive-pack', options.repo], {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    channel.pipe(child.stdin);
    child.stdin.on('error', () => {});
    child.stdout.pipe(channel, { end: false });
    child.stderr.pipe(channel.stderr, { end: false });
    channel.on('close', () => child.kill('SIGTERM'));
    child.on('error', (err) => {
      channel.stderr.write(`git receive-pack could not start: ${err.message}\n`);
    });
    // 'close' fires after the exit and after stdout and stderr ended, so no output tail is lost.
    child.on('close', (code) => resolve(code ?? 1));
  });
}
