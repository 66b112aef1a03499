// The Docker Engine API client; every Engine API call of the PaaS lives in src/docker/.
import Docker from 'dockerode';
import { PaasError } from '../errors.js';

export type DockerClient = Docker;

/** A client for the local engine (DOCKER_HOST is honoured by dockerode itself). */
export function createDocker(): DockerClient {
  return new Docker();
}

/** Fails with a clear error when no engine answers. */
export async function pingDocker(docker: DockerClient): Promise<void> {
  try {
    await docker.ping();
  } catch (err) {
    throw new PaasError('PAAS_ERR_DOCKER_UNAVAILABLE', 'cannot reach the Docker engine at /var/run/docker.sock (is dockerd running? bin/setup starts it)', {
      cause: err,
    });
  }
}

/** Engine API errors carry a status code; 404 means "no such thing". */
export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === 404;
}

/** The engine's own message of an error, without dockerode's "(HTTP code ...)" wrapping. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: { message?: string } })?.json;
  if (json?.message) return json.message;
  return err instanceof Error ? err.message : String(err);
}

/** An object still used by a container that is going away (a Swarm task shutting down on its node). */
export function isInUse(err: unknown): boolean {
  const status = (err as { statusCode?: number })?.statusCode;
  // 409 for a volume, 403 for a network with endpoints, 400 (FailedPrecondition) for an overlay one a task holds.
  return (status === 409 || status === 403 || status === 400) && /in use|active endpoints/i.test(engineMessage(err));
}

/** Runs `remove` again while what it removes is still in use, for up to `timeoutMs`, then fails as it does. */
export async function removeOnceUnused<T>(remove: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await remove();
    } catch (err) {
      if (!isInUse(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
