// Puts a job on its app's queue behind earlier ones and follows its log live until its outcome.
import type { Services } from '../services.js';
import type { DeployQueues, QueuedJob } from './deploy-queue.js';
import { checkRedis, connectRedis } from './connection.js';
import { followJobLog } from './job-log.js';
import { asPaasError } from '../errors.js';
import { STEP } from '../log.js';
import { currentActor } from '../actor.js';

/** Where a queued job's lines go; a door whose client can lose it marks the moment the job is queued. */
export type LineWriter = ((line: string) => void) & { accepted?: () => void };

/**
 * Enqueues `job` and writes its lines as they come; resolves with whether it succeeded.
 * `onEnqueueFailed` undoes what the caller recorded before (so nothing stays half-written).
 */
export async function runQueued<J extends QueuedJob>(
  services: Pick<Services, 'redis' | 'redisTarget'>,
  queues: DeployQueues,
  job: J,
  write: (line: string) => void,
  signal: AbortSignal,
  onEnqueueFailed: () => Promise<void> = async () => {},
): Promise<boolean> {
  try {
    await checkRedis(services.redis, services.redisTarget);
    queues.ensureWorker(job.app);
    // The job runs for whoever asked (auth/actor.ts): the release it makes records them.
    const actor = currentActor();
    const ahead = await queues.enqueue(actor ? { ...job, actor } : job);
    // From here on the job runs whatever becomes of this connection: the door tells its client so.
    (write as LineWriter).accepted?.();
    if (ahead > 0) write(`${STEP}Waiting for ${ahead === 1 ? 'an earlier job' : `${ahead} earlier jobs`} of ${job.app} to finish`);
  } catch (err) {
    await onEnqueueFailed();
    throw asPaasError(err, 'PAAS_ERR_QUEUE_UNAVAILABLE');
  }
  const reader = connectRedis(services.redisTarget);
  try {
    for await (const entry of followJobLog(reader, job.logId, signal)) {
      if ('line' in entry) write(entry.line);
      else return entry.end.ok;
    }
    return false;
  } finally {
    reader.disconnect();
  }
}
