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

/** Pure: the destinations of the routes in `ip -j route` output that go through `via`. */
export function routesVia(json: string, via: string): string[] {
  return (JSON.parse(json) as { dst?: string; gateway?: string }[]).filter((r) => r.gateway === via && r.dst && r.dst !== 'default').map((r) => r.dst!);
}

/** Removes every route through `via`; resolves with the destinations removed. */
export async function removeRoutesVia(via: string): Promise<string[]> {
  const { stdout } = await run('ip', ['-j', 'route', 'show']);
  const gone = routesVia(stdout, via);
  for (const dst of gone) await removeRoute(dst);
  return gone;
}
