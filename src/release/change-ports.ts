// ports:set / ports:clear: the app's port mappings, rolled out at once as a new release whose processes listen on
// the new port and which the router targets there (the same swap as config changes); stored only once it serves.
import type { ReleaseServices } from '../services.js';
import { getApp, setAppPorts } from '../store/apps.js';
import { activeRelease } from '../store/releases.js';
import { appUrl } from '../config.js';
import type { LineSink } from '../log.js';
import { formatPortMappings, type PortMapping } from '../input/ports.js';
import { releaseAgain } from './release-again.js';
import { portFor } from './change-config.js';

export async function changePorts(services: ReleaseServices, app: string, ports: PortMapping[] | null, out: LineSink): Promise<void> {
  const row = await getApp(services.db, app);
  const what = ports ? `Setting ports ${formatPortMappings(ports)}` : 'Clearing the port mappings';
  const active = await activeRelease(services.db, app);
  if (!active) {
    await setAppPorts(services.db, app, ports);
    out.step(`${what}; the first deploy will use ${ports ? 'them' : 'PORT, EXPOSE or 5000'}`);
    return;
  }
  const port = await portFor(services, app, ports, row.config, active.imageId);
  if (port === active.spec.port) {
    await setAppPorts(services.db, app, ports);
    out.step(`${what}; the web process already listens on port ${port}: nothing to restart`);
    return;
  }
  const version = await releaseAgain(
    services,
    active,
    {
      spec: { ...active.spec, port },
      description: `${ports ? `Set ports ${formatPortMappings(ports)}` : 'Clear ports'}`,
      announce: (v) => `${what} as release v${v} (port ${port})`,
    },
    out,
    { alsoRecord: (trx) => setAppPorts(trx, app, ports) },
  );
  out.done(`Ports set; v${version} serves ${appUrl(services.config, app)} from port ${port}`);
}
