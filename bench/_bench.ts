// Shared bench plumbing: a daemon and an app name for one run, cleaned up whatever happens; medians.
import { removeApps, startDaemon, uniqueName, type Daemon } from '../test/e2e/_daemon.js';

/** Polls `app` from now on until it serves `body`; resolves with the ms from `start` until it did. */
export async function servedAfter(daemon: Daemon, app: string, body: string, start: number): Promise<number> {
  for (;;) {
    const res = await daemon.get(app).catch(() => ({ status: 0, body: '' }));
    if (res.body === body) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs `body` against a fresh daemon and app, then stops the daemon, runs `cleanup` (what the body made besides
 * the app, e.g. backing services on its network), and removes the app's containers and images.
 */
export function runBench(
  prefix: string,
  env: Record<string, string>,
  body: (daemon: Daemon, app: string) => Promise<void>,
  cleanup: (app: string) => Promise<void> = async () => {},
): void {
  (async () => {
    const daemon = await startDaemon({ env });
    const app = uniqueName(prefix);
    try {
      await body(daemon, app);
    } finally {
      await daemon.stop();
      await cleanup(app);
      await removeApps([app]);
    }
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
