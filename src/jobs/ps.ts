// The ps job: `paas ps:restart|stop|start` (and nodes:drain's restart of an app's replicas on one node), checked at
// once, queued behind the app's other jobs and followed.
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { PaasError } from '../errors.js';
import { PROCESS_TYPE } from '../input/patterns.js';
import { psAction, restartProcesses, type PsAction } from '../release/restart.js';
import { runQueued } from '../queue/run-queued.js';
import type { JobKind } from './job.js';

/** ps:restart, ps:stop or ps:start of the active release. */
export interface PsJob {
  kind: 'ps';
  logId: string;
  app: string;
  action: PsAction;
  process?: string;
  /** restart: only the replicas on this node (moving them off it: nodes:drain). */
  node?: string;
  actor?: string;
}

export const psJob: JobKind<PsJob> = {
  queue: 'deploy',
  visible: true,
  history: true,
  async run({ services, out }, data) {
    if (data.node) await restartProcesses(services, data.app, undefined, out, 'Moving', data.node);
    else await psAction(services, data.app, data.action, data.process, out);
  },
  // ps:stop is remembered until something runs the app again (ps:start, a restart, a new release).
  stoppedAfter: (data) => data.action === 'stop',
};

export interface PsRequest {
  action: PsAction;
  process?: string;
}

export function checkPsRequest(body: unknown): PsRequest {
  const raw = (body ?? {}) as { action?: unknown; process?: unknown };
  if (raw.action !== 'restart' && raw.action !== 'stop' && raw.action !== 'start')
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'action must be restart, stop or start');
  if (raw.process === undefined || raw.process === null) return { action: raw.action };
  if (raw.action !== 'restart' || typeof raw.process !== 'string' || !PROCESS_TYPE.test(raw.process)) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'a process type (web, worker, ...) is taken by restart only');
  }
  return { action: raw.action, process: raw.process };
}

export async function submitPs(
  services: Pick<Services, 'ciQueues' | 'queues' | 'redis' | 'redisTarget'>,
  app: string,
  request: PsRequest,
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  const ok = await runQueued(services, services.queues, { kind: 'ps', logId: `ps-${randomUUID()}`, app, ...request }, write, signal);
  return ok ? 0 : 1;
}
