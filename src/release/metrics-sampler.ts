// Samples every running replica's resource use every few seconds into the daemon's MetricsHistory, for `paas ps`
// and the app's metrics route. One pass at a time; a pass reads the replicas in parallel.
import type { Services } from '../services.js';
import { listAppContainers } from '../docker/containers.js';
import { readStats } from '../docker/stats.js';
import { LABEL } from '../docker/names.js';
import { isReplica } from '../docker/container-spec.js';
import { sampleOf, type MetricsHistory } from './replica-metrics.js';

export async function sampleOnce(services: Pick<Services, 'docker'>, history: MetricsHistory): Promise<void> {
  const containers = (await listAppContainers(services.docker)).filter((c) => c.State === 'running' && isReplica(c.Labels));
  await Promise.all(
    containers.map(async (c) => {
      const raw = await readStats(services.docker, c.Id);
      if (raw) history.add(c.Id, c.Labels[LABEL.app] ?? '', sampleOf(raw, new Date()));
    }),
  );
  history.keepOnly(new Set(containers.map((c) => c.Id)));
}

export function startMetricsSampler(services: Pick<Services, 'docker'>, history: MetricsHistory, intervalMs: number): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void sampleOnce(services, history)
      .catch(() => undefined)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
