// Docker's container events as replica events: what died, was removed or turned unhealthy, and what came back.
import type { DockerClient } from './client.js';
import type { ReplicaEvent } from '../ports/scheduler.js';
import { LABEL } from './names.js';
import { isReplica } from './container-spec.js';
import { followEvents, type DockerEvent } from './events.js';
import { daemonLog } from '../log.js';

const GONE = new Set(['die', 'destroy', 'health_status: unhealthy']);
const BACK = new Set(['start', 'health_status: healthy']);

/** Pure: the replica event a Docker event is, or undefined when it means nothing for routing or healing. */
export function replicaEvent(event: DockerEvent): ReplicaEvent | undefined {
  const labels = event.Actor?.Attributes ?? {};
  const app = labels[LABEL.app];
  const id = event.Actor?.ID;
  const action = event.Action ?? '';
  if (app === undefined || !id) return undefined;
  const replica = isReplica(labels);
  const base = { id, app, replica, reason: action, ...(labels.name ? { name: labels.name } : {}) };
  if (GONE.has(action)) return { kind: 'gone', ...base };
  // A CI or one-off container that starts changes nothing.
  if (BACK.has(action) && replica) return { kind: 'back', ...base };
  return undefined;
}

/** Follows the engine's events of labelled containers (reconnecting after a second) until `stop`. */
export function followContainerEvents(docker: DockerClient, onEvent: (event: ReplicaEvent) => void): { stop(): void } {
  const stop = new AbortController();
  followEvents(
    docker,
    { type: ['container'], label: [LABEL.app], event: ['die', 'destroy', 'start', 'health_status'] },
    (parsed) => {
      const event = replicaEvent(parsed);
      if (event) onEvent(event);
    },
    stop.signal,
    (err) => daemonLog('events.error', { error: err }),
  );
  return { stop: () => stop.abort() };
}
