// `paas ps:restart|stop|start`: checked at once, then queued behind the app's other jobs and followed.
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { PaasError } from '../errors.js';
import { PROCESS_TYPE } from '../input/patterns.js';
import type { PsAction } from '../release/restart.js';
import { runQueued } from './run-queued.js';

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
  const ok = await runQueued(services, { kind: 'ps', logId: `ps-${randomUUID()}`, app, ...request }, write, signal);
  return ok ? 0 : 1;
}
