// The host's routes to app overlay networks under Swarm (through the overlay gateway container).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PaasError } from '../errors.js';

const run = promisify(execFile);

/** Routes `subnet` through `via` (replacing any route to it); an argv, never a shell line. */
export async function routeThrough(subnet: string, via: string): Promise<void> {
  try {
    await run('ip', ['route', 'replace', subnet, 'via', via]);
  } catch (err) {
    throw new PaasError(
      'PAAS_ERR_NETWORK',
      `could not route ${subnet} through the overlay gateway ${via}: ${(err as { stderr?: string }).stderr?.trim() ?? err}`,
    );
  }
}

/** Removes the route to `subnet`; a missing one is fine. */
export async function removeRoute(subnet: string): Promise<void> {
  await run('ip', ['route', 'del', subnet]).catch(() => undefined);
}
