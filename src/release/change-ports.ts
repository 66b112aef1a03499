// How the router reaches an app, changed at once as a new release (the same swap as config changes), stored only
// once it serves: ports:set / ports:clear (the port its web process listens on and gets as PORT) and
// apps:upstream (HTTP/1.1, or h2c: HTTP/2 without TLS, for gRPC servers).
import type { ReleaseServices } from '../services.js';
import { getApp, setAppPorts, setAppUpstream } from '../store/apps.js';
import { activeRelease, type ReleaseSpec } from '../store/releases.js';
import { appUrl } from '../config.js';
import type { LineSink } from '../log.js';
import { formatPortMappings, type PortMapping } from '../input/ports.js';
import type { Db } from '../store/db.js';
import { releaseAgain } from './release-again.js';
import { portFor } from './change-config.js';

export interface RoutingChange {
  /** New port mappings; null clears them; absent: unchanged. */
  ports?: PortMapping[] | null;
  /** New upstream protocol; null: HTTP/1.1; absent: unchanged. */
  upstream?: 'h2c' | null;
}

async function record(db: Db, app: string, change: RoutingChange): Promise<void> {
  if (change.ports !== undefined) await setAppPorts(db, app, change.ports);
  if (change.upstream !== undefined) await setAppUpstream(db, app, change.upstream);
}

/** Pure: what the change does, as the push-style step says it and as the release describes it. */
export function describeRouting(change: RoutingChange): { step: string; description: string } {
  if (change.upstream !== undefined) {
    const protocol = change.upstream === 'h2c' ? 'HTTP/2 (h2c)' : 'HTTP/1.1';
    return { step: `Routing to web over ${protocol}`, description: `Set upstream ${change.upstream ?? 'http1'}` };
  }
  return change.ports
    ? { step: `Setting ports ${formatPortMappings(change.ports)}`, description: `Set ports ${formatPortMappings(change.ports)}` }
    : { step: 'Clearing the port mappings', description: 'Clear ports' };
}

export async function changeRouting(services: ReleaseServices, app: string, change: RoutingChange, out: LineSink): Promise<void> {
  const row = await getApp(services.db, app);
  const { step, description } = describeRouting(change);
  const active = await activeRelease(services.db, app);
  if (!active) {
    await services.db.transaction((trx) => record(trx, app, change));
    out.step(`${step}; the first deploy will use it`);
    return;
  }
  const port = change.ports !== undefined ? await portFor(services, app, change.ports, row.config, active.imageId) : active.spec.port;
  const upstream = change.upstream !== undefined ? change.upstream : (active.spec.upstream ?? null);
  const { upstream: _old, ...rest } = active.spec;
  const spec: ReleaseSpec = { ...rest, port, ...(upstream ? { upstream } : {}) };
  if (port === active.spec.port && (upstream ?? null) === (active.spec.upstream ?? null)) {
    await services.db.transaction((trx) => record(trx, app, change));
    out.step(`${step}; v${active.version} already serves that way: nothing to restart`);
    return;
  }
  const version = await releaseAgain(
    services,
    active,
    { spec, description, announce: (v) => `${step} as release v${v}${port !== active.spec.port ? ` (port ${port})` : ''}` },
    out,
    { alsoRecord: (trx) => record(trx, app, change) },
  );
  out.done(`v${version} serves ${appUrl(services.config, app)}${change.ports !== undefined ? ` from port ${port}` : ''}`);
}
