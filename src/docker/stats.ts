// A replica's resource use from the Engine API: one stats reading (two samples a second apart, so CPU can be
// computed) and the restart count and start time from inspect. The arithmetic is in release/replica-metrics.ts.
import type { DockerClient } from './client.js';

export interface RawStats {
  cpuTotal: number;
  preCpuTotal: number;
  system: number;
  preSystem: number;
  onlineCpus: number;
  memoryUsage: number;
  /** Page cache the kernel can drop (inactive_file on cgroup v2, cache on v1): not counted as used, as docker stats does. */
  memoryCache: number;
  memoryLimit: number;
  restarts: number;
  startedAt: string;
}

export interface EngineStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: { inactive_file?: number; cache?: number } };
}

/** Pure: the Engine API's stats reading of a container as RawStats, with its restart count and start time. */
export function rawStatsOf(stats: EngineStats, restarts: number, startedAt: string): RawStats {
  return {
    cpuTotal: stats.cpu_stats?.cpu_usage?.total_usage ?? 0,
    preCpuTotal: stats.precpu_stats?.cpu_usage?.total_usage ?? 0,
    system: stats.cpu_stats?.system_cpu_usage ?? 0,
    preSystem: stats.precpu_stats?.system_cpu_usage ?? 0,
    onlineCpus: stats.cpu_stats?.online_cpus ?? 1,
    memoryUsage: stats.memory_stats?.usage ?? 0,
    memoryCache: stats.memory_stats?.stats?.inactive_file ?? stats.memory_stats?.stats?.cache ?? 0,
    memoryLimit: stats.memory_stats?.limit ?? 0,
    restarts,
    startedAt,
  };
}

/** Reads container `id`'s stats; undefined when it is gone or not running. */
export async function readStats(docker: DockerClient, id: string): Promise<RawStats | undefined> {
  try {
    const container = docker.getContainer(id);
    const [stats, info] = await Promise.all([container.stats({ stream: false }) as Promise<EngineStats>, container.inspect()]);
    if (!info.State.Running) return undefined;
    return rawStatsOf(stats, info.RestartCount ?? 0, info.State.StartedAt);
  } catch {
    return undefined;
  }
}
