// The rollback job: a request (CLI, API or SSH) queued behind the app's earlier jobs and followed to its outcome; it
// releases an earlier release's image again, with no build.
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { checkAppName } from '../input/app-name.js';
import { getApp } from '../store/apps.js';
import { runQueued } from '../queue/run-queued.js';
import { rollbackRelease } from '../release/rollback.js';
import type { JobKind } from './job.js';

/** A rollback to an earlier release (the previous good one when `version` is absent). */
export interface RollbackJob {
  kind: 'rollback';
  logId: string;
  app: string;
  version?: number;
  actor?: string;
}

export const rollbackJob: JobKind<RollbackJob> = {
  queue: 'deploy',
  visible: true,
  history: true,
  async run({ services, out }, data) {
    await rollbackRelease(services, data.app, data.version, out);
  },
  releases: () => true,
  stoppedAfter: () => false,
};
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
    const job: RollbackJob = { kind: 'rollback', logId: `rollback-${randomUUID()}`, app, ...(version ? { version } : {}) };
    return (await runQueued(services, services.queues, job, write, signal)) ? 0 : 1;
  } catch (err) {
    write(ERROR + asPaasError(err).message);
    return 1;
  }
}
