// Takes a rollback request (CLI, API or SSH): queues it behind the app's earlier jobs and follows it to its outcome.
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { checkAppName } from '../input/app-name.js';
import { getApp } from '../store/apps.js';
import { runQueued } from './run-queued.js';
import { ERROR } from '../log.js';
import { asPaasError } from '../errors.js';

/** Rolls back `app`, writing lines as they come; resolves with the exit status (0 when the rollback serves). */
export async function submitRollback(
  services: Pick<Services, 'ciQueues' | 'db' | 'queues' | 'redis' | 'redisTarget'>,
  app: string,
  version: number | undefined,
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  try {
    await getApp(services.db, checkAppName(app));
    const job = { kind: 'rollback' as const, logId: `rollback-${randomUUID()}`, app, ...(version ? { version } : {}) };
    return (await runQueued(services, job, write, signal)) ? 0 : 1;
  } catch (err) {
    write(ERROR + asPaasError(err).message);
    return 1;
  }
}
