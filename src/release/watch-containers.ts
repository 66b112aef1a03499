// Follows the scheduler's replica events so the router only ever sends an app's traffic to replicas that are
// that app's, running and healthy: a replica that dies, is removed or turns unhealthy leaves the routes at once
// (before its address can go to another app's container), and its app is healed on its deploy queue.
import type { Services } from '../services.js';
import { daemonLog } from '../log.js';
import { findApp } from '../store/apps.js';

/** Starts following events; `stop` ends it. Heals (queued by `enqueueHeal`) are debounced per app by `debounceMs`. */
export function watchContainers(
  services: Pick<Services, 'scheduler' | 'dataPlane' | 'db'>,
  enqueueHeal: (app: string, replaceRestarting: boolean) => Promise<void>,
  debounceMs = 1000,
): { stop(): void; heal(app: string, replaceRestarting?: boolean): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;

  // Heals asked for within the debounce are one; if any of them asked to replace restarting replicas, it does
  // (a die event of a crash-looping replica must not cancel the heal its backing service's return asked for).
  const replacing = new Set<string>();
  const heal = (app: string, replaceRestarting = false) => {
    if (replaceRestarting) replacing.add(app);
    clearTimeout(timers.get(app));
    timers.set(
      app,
      setTimeout(() => {
        timers.delete(app);
        const replace = replacing.delete(app);
        if (stopped) return;
        // Events come for every app on this Docker engine: only this daemon's apps are its to heal.
        findApp(services.db, app)
          .then(async (row) => {
            if (!row) return;
            await enqueueHeal(app, replace);
          })
          .catch((err: unknown) => daemonLog('heal.queue.error', { app, error: err }));
      }, debounceMs),
    );
  };

  const watching = services.scheduler.watch((event) => {
    if (event.kind === 'gone') {
      services.dataPlane
        .dropReplica(event.id)
        .then((app) => app && daemonLog('router.target_dropped', { app, container: event.name, reason: event.reason }))
        .catch((err: unknown) => daemonLog('router.drop.error', { error: err }));
    }
    if (event.replica) heal(event.app);
  });

  return {
    heal,
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      watching.stop();
    },
  };
}
