// Pure: an app's containers as `paas ps` shows them.
import { LABEL } from '../docker/names.js';
import type Docker from 'dockerode';
import { uptime, type MetricSample } from './replica-metrics.js';
import type { Replica } from '../ports/scheduler.js';

export interface ProcessView {
  process: string;
  replica: number;
  container: string;
  state: string;
  status: string;
  release: string;
  /** From the daemon's last sample (none yet for a replica that just started). */
  cpuPercent?: number;
  memoryBytes?: number;
  memoryLimit?: number;
  restarts?: number;
  uptime?: string;
  /** The node it runs on, where there are several (the Swarm scheduler). */
  node?: string;
}

/** Pure: a sample as ps shows it. */
function sampleView(sample: MetricSample | undefined, now: Date): Partial<ProcessView> {
  return sample
    ? {
        cpuPercent: sample.cpuPercent,
        memoryBytes: sample.memoryBytes,
        memoryLimit: sample.memoryLimit,
        restarts: sample.restarts,
        uptime: uptime(sample.startedAt, now),
      }
    : {};
}

/**
 * Pure: replicas a scheduler placed on several nodes (a Swarm's services), as `paas ps` shows them, with the last
 * sample of each running one's container (from whichever node runs it).
 */
export function replicaViews(
  replicas: Replica[],
  nodeNames: Map<string, string>,
  latest: (container: string) => MetricSample | undefined = () => undefined,
  now = new Date(),
): ProcessView[] {
  return replicas
    .map((r) => ({
      process: r.process,
      replica: r.index,
      container: r.name,
      state: r.state,
      status: r.state === 'running' ? `up at ${r.ip}` : r.state,
      release: `v${r.release}`,
      ...(r.node ? { node: nodeNames.get(r.node) ?? r.node } : {}),
      ...sampleView(r.state === 'running' && r.container ? latest(r.container) : undefined, now),
    }))
    .sort((a, b) => a.process.localeCompare(b.process) || a.replica - b.replica);
}

/**
 * Long-running containers of the app (not tests, addons, one-offs or held replicas), by process type and replica. Given the
 * `active` release, a running replica of another release is shown as draining: a swap replaced it, and it stops
 * once its last requests are done.
 */
export function processViews(
  containers: Docker.ContainerInfo[],
  latest: (id: string) => MetricSample | undefined = () => undefined,
  now = new Date(),
  active?: number,
): ProcessView[] {
  return (
    containers
      // A paused container is a replaced replica held for a fast rollback, not a process of the app.
      .filter((c) => c.Labels[LABEL.release] && c.Labels[LABEL.process] && c.Labels[LABEL.process] !== 'release' && c.State !== 'paused')
      .map((c) => {
        const name = (c.Names[0] ?? '').replace(/^\//, '');
        const sample = c.State === 'running' ? latest(c.Id) : undefined;
        const draining = active !== undefined && c.State === 'running' && c.Labels[LABEL.release] !== String(active);
        return {
          process: c.Labels[LABEL.process]!,
          replica: Number(c.Labels[LABEL.replica] ?? /-(\d+)$/.exec(name)?.[1] ?? 0),
          container: name,
          state: draining ? 'draining' : c.State,
          status: draining ? `draining, replaced by v${active} (${c.Status})` : c.Status,
          release: `v${c.Labels[LABEL.release]}`,
          ...sampleView(sample, now),
        };
      })
      .sort((a, b) => a.process.localeCompare(b.process) || a.replica - b.replica)
  );
}
