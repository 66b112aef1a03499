// On daemon start: rebuild the route table from the store's active releases and the labelled containers Docker
// reports (containers keep running while the daemon is down), and remove containers a crash left half-deployed.
import type { Services } from '../services.js';
import { containerIp, listAppContainers, removeContainer } from '../docker/containers.js';
import { activeRelease } from '../store/releases.js';
import { listApps } from '../store/apps.js';
import { targetOf, type Target } from '../router/route-table.js';

/** Routes every app to the running web containers of its active release; returns how many apps were routed. */
export async function restoreRoutes(services: Pick<Services, 'db' | 'docker' | 'routes'>): Promise<{ routed: number; removed: number }> {
  const containers = await listAppContainers(services.docker);
  let routed = 0;
  let removed = 0;
  for (const app of await listApps(services.db)) {
    const release = await activeRelease(services.db, app.name);
    const mine = containers.filter((c) => c.Labels['paas.app'] === app.name);
    for (const stray of mine.filter((c) => !release || c.Labels['paas.release'] !== String(release.version))) {
      await removeContainer(services.docker, stray.Id, 0);
      removed++;
    }
    if (!release) continue;
    const targets: Target[] = mine
      .filter((c) => c.State === 'running' && c.Labels['paas.release'] === String(release.version) && c.Labels['paas.process'] === 'web')
      .map((c) => targetOf({ id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), ip: containerIp(app.name, c.NetworkSettings.Networks) }, c.Labels['paas.port'] ?? '', release.version));
    services.routes.swap(app.name, targets);
    if (targets.length) routed++;
    // Containers of the active release that all exist but none runs: stopped with ps:stop.
    const current = mine.filter((c) => c.Labels['paas.release'] === String(release.version) && c.Labels['paas.one-off'] !== 'true');
    if (current.length > 0 && current.every((c) => c.State === 'exited')) services.routes.markStopped(app.name);
  }
  return { routed, removed };
}
