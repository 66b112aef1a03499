// Pure: an app's containers as `paas ps` shows them.
import { LABEL } from '../docker/names.js';
import type Docker from 'dockerode';

export interface ProcessView {
  process: string;
  replica: number;
  container: string;
  state: string;
  status: string;
  release: string;
}

/** Long-running containers of the app (not tests, addons or one-offs), by process type and replica. */
export function processViews(containers: Docker.ContainerInfo[]): ProcessView[] {
  return containers
    .filter((c) => c.Labels[LABEL.release] && c.Labels[LABEL.process] && c.Labels[LABEL.process] !== 'release')
    .map((c) => {
      const name = (c.Names[0] ?? '').replace(/^\//, '');
      return {
        process: c.Labels[LABEL.process]!,
        replica: Number(c.Labels[LABEL.replica] ?? /-(\d+)$/.exec(name)?.[1] ?? 0),
        container: name,
        state: c.State,
        status: c.Status,
        release: `v${c.Labels[LABEL.release]}`,
      };
    })
    .sort((a, b) => a.process.localeCompare(b.process) || a.replica - b.replica);
}
