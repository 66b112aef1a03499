// The ports job: `paas ports:set APP http:80:3000` / `ports:clear APP`, queued behind the app's other jobs and
// followed; it rolls out a release on the new port.
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { checkAppName } from '../input/app-name.js';
import { getApp } from '../store/apps.js';
import type { PortMapping } from '../input/ports.js';
import { runQueued } from '../queue/run-queued.js';
import { changePorts } from '../release/change-ports.js';
import type { JobKind } from './job.js';

export interface PortsJob {
  kind: 'ports';
  logId: string;
  app: string;
  /** null: clear them. */
  ports: PortMapping[] | null;
  actor?: string;
}

export const portsJob: JobKind<PortsJob> = {
  queue: 'deploy',
  visible: true,
  history: true,
  run: ({ services, out }, data) => changePorts(services, data.app, data.ports, out),
  releases: () => true,
};

export async function submitPorts(
  services: Pick<Services, 'ciQueues' | 'db' | 'queues' | 'redis' | 'redisTarget'>,
  app: string,
  ports: PortMapping[] | null,
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  await getApp(services.db, checkAppName(app));
  const ok = await runQueued(services, services.queues, { kind: 'ports', logId: `ports-${randomUUID()}`, app, ports }, write, signal);
  return ok ? 0 : 1;
}
