// Checking one new replica until it is healthy, and the error a user reads when it is not.
import type { Replica, Scheduler } from '../ports/scheduler.js';
import type { HealthPlan } from '../input/healthchecks.js';
import { PaasError, asPaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { waitUntilHealthy } from './wait-until-healthy.js';

/** Resolves undefined once `replica` passes `plan`, or with why it does not. */
export async function checkReplica(
  scheduler: Scheduler,
  replica: Replica,
  plan: Required<HealthPlan>,
  startedAt: number,
  readyTimeoutMs: number,
): Promise<string | undefined> {
  try {
    const target = {
      ip: replica.ip,
      port: replica.port,
      startedAt,
      state: () => scheduler.health(replica),
      ...(replica.upstream ? { protocol: replica.upstream } : {}),
    };
    await waitUntilHealthy(target, plan, readyTimeoutMs);
    return undefined;
  } catch (err) {
    return asPaasError(err).message;
  }
}

/** The error for a replica that failed its checks, after printing its last output. */
export async function unhealthyError(scheduler: Scheduler, replica: Replica, message: string, out: LineSink, outcome: string): Promise<PaasError> {
  const tail = await scheduler.logTail(replica, 20).catch(() => '');
  if (tail.trim()) {
    out.step(`Last output of ${replica.process}.${replica.index}:`);
    out.detail(tail);
  }
  return new PaasError('PAAS_ERR_UNHEALTHY', `${replica.process}.${replica.index} failed its health check: ${message}; ${outcome}`);
}
