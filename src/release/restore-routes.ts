// On daemon start: rebuild the route table from the store's active releases and the labelled containers Docker reports.
import type { Services } from '../services.js';
import { listAppContainers } from '../docker/containers.js';
import { activeRelease } from '../store/releases.js';
import { listApps } from '../store/apps.js';
import type { Target } from '../router/route-table.js';
import { NETWORK } from '../docker/containers.js';

/** Routes every app to the running containers of its active release; returns how many apps were routed. */
export async function restoreRoutes(services: Pick<Services, 'db' | 'docker' | 'routes'>): Promise<number> {
  const containers = (await listAppContainers(services.docker)).filter((c) => c.State === 'running');
  let routed = 0;
  for (const app of await listApps(services.db)) {
    const release = await activeRelease(services.db, app.name);
    if (!release) continue;
    const targets: Target[] = containers
      .filter((c) => c.Labels['paas.app'] === app.name && c.Labels['paas.release'] === String(release.version) && c.Labels['paas.process'] === 'web')
      .map((c) => ({
        url: `http://${c.NetworkSettings.Networks[NETWORK]?.IPAddress}:${c.Labels['paas.port']}`,
        container: (c.Names[0] ?? '').replace(/^\//, ''),
        release: release.version,
      }));
    services.routes.swap(app.name, targets);
    if (targets.length) routed++;
  }
  return routed;
}
