// Follows Docker's container events so the router only ever sends an app's traffic to containers that are that
// app's, running and healthy: a replica that dies, is destroyed or turns unhealthy leaves the routes at once
// (before Docker can give its address to another app's container), and the app is healed on its deploy queue.
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { lineSplitter } from '../docker/containers.js';
import { LABEL } from '../docker/names.js';
import { daemonLog } from '../log.js';
import { isReplica } from './container-spec.js';
import { findApp } from '../store/apps.js';

interface DockerEvent {
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

const GONE = new Set(['die', 'destroy', 'health_status: unhealthy']);
const BACK = new Set(['start', 'health_status: healthy']);

/** Pure: what an event means for routing: drop its target, look at its app again, or nothing. */
export function eventEffect(event: DockerEvent): { drop?: string; heal?: string } {
  const labels = event.Actor?.Attributes ?? {};
  const app = labels[LABEL.app];
  const replica = app !== undefined && isReplica(labels);
  const action = event.Action ?? '';
  if (GONE.has(action)) return { ...(event.Actor?.ID ? { drop: event.Actor.ID } : {}), ...(replica ? { heal: app } : {}) };
  if (BACK.has(action) && replica) return { heal: app };
  return {};
}

/** Starts following events; `stop` ends it. Heals are debounced per app by `debounceMs`. */
export function watchContainers(services: Pick<Services, 'docker' | 'routes' | 'queues' | 'db'>, debounceMs = 1000): { stop(): void; heal(app: string): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  let stream: (NodeJS.ReadableStream & { destroy?(): void }) | undefined;

  const heal = (app: string) => {
    clearTimeout(timers.get(app));
    timers.set(
      app,
      setTimeout(() => {
        timers.delete(app);
        if (stopped) return;
        // Events come for every app on this Docker engine: only this daemon's apps are its to heal.
        findApp(services.db, app)
          .then(async (row) => {
            if (!row) return;
            services.queues.ensureWorker(app);
            await services.queues.enqueue({ kind: 'heal', logId: `heal-${app}-${randomUUID()}`, app });
          })
          .catch((err: unknown) => daemonLog('heal.queue.error', { app, error: err }));
      }, debounceMs),
    );
  };

  const onEvent = (line: string) => {
    let event: DockerEvent;
    try {
      event = JSON.parse(line) as DockerEvent;
    } catch {
      return;
    }
    const effect = eventEffect(event);
    if (effect.drop) {
      const app = services.routes.dropContainer(effect.drop);
      if (app) daemonLog('router.target_dropped', { app, container: event.Actor?.Attributes?.name, reason: event.Action });
    }
    if (effect.heal) heal(effect.heal);
  };

  const follow = async () => {
    while (!stopped) {
      try {
        stream = (await services.docker.getEvents({
          filters: { type: ['container'], label: [LABEL.app], event: ['die', 'destroy', 'start', 'health_status'] },
        })) as NodeJS.ReadableStream & { destroy?(): void };
        const lines = lineSplitter(onEvent);
        await new Promise<void>((resolve) => {
          stream!.on('data', (chunk: Buffer) => lines.write(chunk));
          stream!.on('end', () => resolve());
          stream!.on('close', () => resolve());
          stream!.on('error', () => resolve());
        });
      } catch (err) {
        daemonLog('events.error', { error: err });
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void follow();

  return {
    heal,
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      stream?.destroy?.();
    },
  };
}
