// The ports job: `paas ports:set APP http:80:3000` / `ports:clear APP` / `apps:upstream APP h2c`, queued behind
// the app's other jobs and followed; it rolls out a release that the router reaches the new way.
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { checkAppName } from '../input/app-name.js';
import { getApp } from '../store/apps.js';
import { runQueued } from '../queue/run-queued.js';
import { changeRouting, type RoutingChange } from '../release/change-ports.js';
import type { JobKind } from './job.js';

export interface PortsJob {
  kind: 'ports';
  logId: string;
  app: string;
  /** The change: new mappings (null clears them) and/or the upstream protocol. */
  change: RoutingChange;
  actor?: string;
}

export const portsJob: JobKind<PortsJob> = {
  queue: 'deploy',
  visible: true,
  history: true,
  run: ({ services, out }, data) => changeRouting(services, data.app, data.change, out),
  releases: () => true,
};

export async function submitPorts(
  services: Pick<Services, 'ciQueues' | 'db' | 'queues' | 'redis' | 'redisTarget'>,
  app: string,
  change: RoutingChange,
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  await getApp(services.db, checkAppName(app));
  const ok = await runQueued(services, services.queues, { kind: 'ports', logId: `ports-${randomUUID()}`, app, change }, write, signal);
  return ok ? 0 : 1;
}
