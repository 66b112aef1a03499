// Starting one process container with restarts off and checking it until healthy: the step every swap and
// rolling restart takes per container.
import type Docker from 'dockerode';
import type { Services } from '../services.js';
import type { ReleaseSpec } from '../store/releases.js';
import { containerLogTail, containerState, runContainer, type RunningContainer } from '../docker/containers.js';
import { PaasError, asPaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { withoutRestarts } from './container-spec.js';
import { planFor } from '../input/healthchecks.js';
import { waitUntilHealthy } from './wait-until-healthy.js';

export interface Started extends RunningContainer {
  process: string;
  index: number;
  startedAt: number;
}

/** Creates and starts a container from `options` with restarts off (a crash shows as an exit, not a loop). */
export async function startProcess(services: Services, options: Docker.ContainerCreateOptions, process: string, index: number): Promise<Started> {
  const container = await runContainer(services.docker, withoutRestarts(options));
  return { ...container, process, index, startedAt: Date.now() };
}

/** Resolves undefined once `c` is healthy, or with why it is not. */
export async function checkStarted(services: Services, c: Started, spec: ReleaseSpec, uptimeSeconds: number): Promise<string | undefined> {
  try {
    const target = { ip: c.ip, port: spec.port, startedAt: c.startedAt, state: () => containerState(services.docker, c.id) };
    await waitUntilHealthy(target, planFor(c.process, spec.healthchecks, uptimeSeconds), services.config.readyTimeoutMs);
    return undefined;
  } catch (err) {
    return asPaasError(err).message;
  }
}

/** The error for a container that failed its checks, after printing its last output. */
export async function unhealthyError(services: Services, c: Started, message: string, out: LineSink, outcome: string): Promise<PaasError> {
  const tail = await containerLogTail(services.docker, c.id, 20).catch(() => '');
  if (tail.trim()) {
    out.step(`Last output of ${c.process}.${c.index}:`);
    out.detail(tail);
  }
  return new PaasError('PAAS_ERR_UNHEALTHY', `${c.process}.${c.index} failed its health check: ${message}; ${outcome}`);
}
