// On daemon start: route every app to the running web replicas of its active release (replicas keep running
// while the daemon is down), and, once the data plane serves those routes, remove replicas a crash left
// half-deployed, replicas beyond the recorded formation, and replicas held or draining for an earlier release (an
// HAProxy that outlived the daemon may still send them traffic until then).
import type { Services } from '../services.js';
import { activeRelease } from '../store/releases.js';
import { listApps } from '../store/apps.js';
import { targetOf } from '../ports/data-plane.js';
import type { Replica, Scheduler } from '../ports/scheduler.js';

/** Routes every app to the running web replicas of its active release; returns how many apps were routed, and the strays. */
export async function restoreRoutes(services: Pick<Services, 'db' | 'scheduler' | 'dataPlane'>): Promise<{ routed: number; strays: Replica[] }> {
  const { scheduler, dataPlane } = services;
  const replicas = await scheduler.replicas();
  let routed = 0;
  const strays: Replica[] = [];
  for (const app of await listApps(services.db)) {
    const release = await activeRelease(services.db, app.name);
    const mine = replicas.filter((r) => r.app === app.name);
    strays.push(...mine.filter((r) => !release || r.release !== release.version));
    if (!release) continue;
    const replacements = unfinishedReplacements(mine.filter((r) => r.release === release.version));
    // Beyond the recorded formation: a scale cut short before it was recorded, or after, before the surplus stopped.
    const beyond = mine.filter((r) => r.release === release.version && r.index > (release.spec.formation[r.process] ?? 0));
    strays.push(...replacements, ...beyond.filter((r) => !replacements.includes(r)));
    const current = mine.filter((r) => r.release === release.version && !replacements.includes(r) && !beyond.includes(r));
    const targets = current.filter((r) => r.state === 'running' && r.process === 'web').map((r) => targetOf(r, r.port || release.spec.port, r.release));
    await dataPlane.setTargets(app.name, targets);
    if (targets.length) routed++;
    // Stopped with ps:stop: recorded, not guessed from the containers (a crash loop or a reboot stops them too).
    if (app.stopped) await dataPlane.markStopped(app.name);
    if (app.maintenance) await dataPlane.setMaintenance(app.name, true);
  }
  return { routed, strays };
}

/**
 * Pure: the replacements a rolling restart left unfinished (a crash between their start and the removal of the
 * replica they replace): where a replica and its replacement both exist, the replacement goes and the replica it
 * was to replace, known good, stays; a replacement alone is the replica now.
 */
export function unfinishedReplacements(ofRelease: Replica[]): Replica[] {
  const key = (r: Replica) => `${r.process}.${r.index}`;
  const settled = new Set(ofRelease.filter((r) => !r.replacing).map(key));
  return ofRelease.filter((r) => r.replacing && settled.has(key(r)));
}

/** Removes the replicas of releases that are not active (after the routes no longer name them). */
export async function removeStrays(scheduler: Scheduler, strays: Replica[]): Promise<number> {
  for (const stray of strays) await scheduler.remove(stray, 0);
  return strays.length;
}
