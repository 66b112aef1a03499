// --autodestroy: review apps idle (no deploy) for longer than their pipeline allows are removed, by a sweep that
// runs every hour (and once at start), as the backup schedule does.
import type { Services } from '../services.js';
import { listPipelines, type PipelineRow } from '../store/pipelines.js';
import { listReviewApps, type ReviewAppRow } from '../store/review-apps.js';
import { daemonLog, lineSink } from '../log.js';
import { destroyReviewApp } from './review-apps.js';

const DAY_MS = 24 * 3600 * 1000;

/** Pure: the review apps whose last deploy (or creation) is older than their pipeline's --autodestroy days. */
export function staleReviewApps(rows: readonly ReviewAppRow[], pipelines: readonly Pick<PipelineRow, 'name' | 'review'>[], now: Date): string[] {
  const days = new Map(pipelines.map((p) => [p.name, p.review.autodestroyDays]));
  return rows
    .filter((r) => {
      const limit = days.get(r.pipeline);
      return limit != null && now.getTime() - Date.parse(r.deployedAt ?? r.createdAt) > limit * DAY_MS;
    })
    .map((r) => r.app);
}

async function sweep(services: Parameters<typeof destroyReviewApp>[0]): Promise<void> {
  const stale = staleReviewApps(await listReviewApps(services.db), await listPipelines(services.db), new Date());
  for (const app of stale) {
    const lines: string[] = [];
    try {
      await destroyReviewApp(
        services,
        app,
        lineSink((line) => lines.push(line)),
      );
      daemonLog('reviewapp.autodestroyed', { app, lines: lines.join(' | ') });
    } catch (err) {
      daemonLog('reviewapp.autodestroy_failed', { app, error: err });
    }
  }
}

export function startReviewSweep(services: Parameters<typeof destroyReviewApp>[0] & Pick<Services, 'db'>, intervalMs = 3600_000): { stop(): void } {
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    void sweep(services)
      .catch((err: unknown) => daemonLog('reviewapp.sweep_failed', { error: err }))
      .finally(() => (running = false));
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  run();
  return { stop: () => clearInterval(timer) };
}
