// Docker's container events as replica events: what died, was removed or turned unhealthy, and what came back.
import type { DockerClient } from './client.js';
import type { ReplicaEvent } from '../ports/scheduler.js';
import { LABEL } from './names.js';
import { isReplica } from './container-spec.js';
import { lineSplitter } from './containers.js';
import { daemonLog } from '../log.js';

export interface DockerEvent {
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

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
  let stopped = false;
  let stream: (NodeJS.ReadableStream & { destroy?(): void }) | undefined;
  const onLine = (line: string) => {
    let parsed: DockerEvent;
    try {
      parsed = JSON.parse(line) as DockerEvent;
    } catch {
      return;
    }
    const event = replicaEvent(parsed);
    if (event) onEvent(event);
  };
  const follow = async () => {
    while (!stopped) {
      try {
        stream = (await docker.getEvents({
          filters: { type: ['container'], label: [LABEL.app], event: ['die', 'destroy', 'start', 'health_status'] },
        })) as NodeJS.ReadableStream & { destroy?(): void };
        const lines = lineSplitter(onLine);
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
    stop() {
      stopped = true;
      stream?.destroy?.();
    },
  };
}
