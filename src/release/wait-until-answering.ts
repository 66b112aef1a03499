// Waits until a new container answers HTTP on its port, failing early when the container exits.
import http from 'node:http';
import { PaasError } from '../errors.js';

/** One HTTP GET; resolves with the status, or undefined when nothing answered. */
export function probe(url: string, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    try {
      const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(undefined));
    } catch {
      // A container that died before it got an address gives no valid URL.
      resolve(undefined);
    }
  });
}

export interface WaitOptions {
  url: string;
  port: number;
  deadlineMs: number;
  /** Reports whether the container still runs, and its exit code when not. */
  state: () => Promise<{ running: boolean; exitCode: number }>;
  intervalMs?: number;
}

/** Resolves once `url` answers any HTTP status; throws PAAS_ERR_START_FAILED when the container exits or the deadline passes. */
export async function waitUntilAnswering(options: WaitOptions): Promise<void> {
  const started = Date.now();
  const interval = options.intervalMs ?? 100;
  for (;;) {
    if ((await probe(options.url, 2000)) !== undefined) return;
    const state = await options.state();
    if (!state.running) {
      throw new PaasError('PAAS_ERR_START_FAILED', `container exited with code ${state.exitCode}`);
    }
    if (Date.now() - started > options.deadlineMs) {
      throw new PaasError('PAAS_ERR_START_FAILED', `no answer on port ${options.port} after ${Math.round(options.deadlineMs / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
