// Pure: replica metrics as `paas ps` shows them (CPU %, memory used / limit, restarts, uptime), and the last hour
// of them per replica at the sampler's resolution, bounded in memory.
import type { RawStats } from '../docker/stats.js';

export interface MetricSample {
  at: string;
  /** Percent of one CPU, as docker stats shows it (200 = two CPUs busy). */
  cpuPercent: number;
  memoryBytes: number;
  memoryLimit: number;
  restarts: number;
  startedAt: string;
}

/** A stats reading as a sample, with CPU computed as docker stats does. */
export function sampleOf(raw: RawStats, at: Date): MetricSample {
  const cpuDelta = raw.cpuTotal - raw.preCpuTotal;
  const systemDelta = raw.system - raw.preSystem;
  const cpuPercent = cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * raw.onlineCpus * 100 : 0;
  return {
    at: at.toISOString(),
    cpuPercent: Math.round(cpuPercent * 10) / 10,
    memoryBytes: Math.max(0, raw.memoryUsage - raw.memoryCache),
    memoryLimit: raw.memoryLimit,
    restarts: raw.restarts,
    startedAt: raw.startedAt,
  };
}

/**
 * The last `size` samples of each replica by container id (an hour at 10 s by default); replicas that are gone are
 * forgotten. Each replica's samples come from one origin: `local` (this engine's sampler) or `nodes` (the Swarm
 * workers' stats agent); each origin forgets only its own.
 */
export class MetricsHistory {
  private readonly series = new Map<string, { app: string; origin: string; samples: MetricSample[] }>();

  constructor(private readonly size = 360) {}

  add(container: string, app: string, sample: MetricSample, origin = 'local'): void {
    const entry = this.series.get(container) ?? { app, origin, samples: [] };
    entry.samples.push(sample);
    if (entry.samples.length > this.size) entry.samples.splice(0, entry.samples.length - this.size);
    this.series.set(container, entry);
  }

  /** Forgets every replica of `origin` not in `live`. */
  keepOnly(live: ReadonlySet<string>, origin = 'local'): void {
    for (const [container, entry] of this.series) if (entry.origin === origin && !live.has(container)) this.series.delete(container);
  }

  /** Forgets every replica of `origin` with no sample since `since`. */
  forgetSilentSince(since: Date, origin: string): void {
    const iso = since.toISOString();
    for (const [container, entry] of this.series) if (entry.origin === origin && (entry.samples.at(-1)?.at ?? '') < iso) this.series.delete(container);
  }

  /** Every replica's newest sample, with its app. */
  latestAll(): { container: string; app: string; sample: MetricSample }[] {
    return [...this.series].flatMap(([container, entry]) => (entry.samples.length ? [{ container, app: entry.app, sample: entry.samples.at(-1)! }] : []));
  }

  latest(container: string): MetricSample | undefined {
    return this.series.get(container)?.samples.at(-1);
  }

  /** Each of `app`'s replicas with its samples, oldest first. */
  ofApp(app: string): Record<string, MetricSample[]> {
    return Object.fromEntries([...this.series].filter(([, entry]) => entry.app === app).map(([container, entry]) => [container, [...entry.samples]]));
  }
}

/** Pure: how long ago `startedAt` was, as ps shows it (42s, 5m, 3h, 2d). */
export function uptime(startedAt: string, now: Date): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - new Date(startedAt).getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/**
 * Pure: memory as `ps` and the dashboard both write it, 1024-based as limits are set (`512m` reads 512 MB, as on
 * Heroku's dyno sizes), where image sizes are 1000-based as docker prints them.
 */
export function formatMemory(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
