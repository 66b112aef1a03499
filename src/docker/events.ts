// The engine's event stream (`docker events`), as parsed events: once, or followed across reconnections.
import type { DockerClient } from './client.js';
import { lineSplitter, streamClosed } from './containers.js';

/** One of the engine's events, as much of it as the daemon reads. */
export interface DockerEvent {
  id?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** The engine's event filters: `{ type: ['container'], event: ['start'] }`. */
export type EventFilters = Record<string, string[]>;

/**
 * Calls `onEvent` with every event that matches `filters` until the stream ends or `signal` aborts. Resolves once
 * subscribed (events from then on are seen), with a promise of the end. A line that is not JSON is skipped.
 */
export async function subscribeEvents(
  docker: DockerClient,
  filters: EventFilters,
  onEvent: (event: DockerEvent) => void,
  signal: AbortSignal,
): Promise<{ closed: Promise<void> }> {
  const stream = (await docker.getEvents({ filters })) as NodeJS.ReadableStream & { destroy(): void };
  const lines = lineSplitter((line) => {
    if (!line.trim()) return;
    let event: DockerEvent;
    try {
      event = JSON.parse(line) as DockerEvent;
    } catch {
      return;
    }
    onEvent(event);
  });
  stream.on('data', (chunk: Buffer) => lines.write(chunk));
  const stop = () => stream.destroy();
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  return { closed: streamClosed(stream).finally(() => signal.removeEventListener('abort', stop)) };
}

/**
 * As `subscribeEvents`, but subscribes again a second after the stream ends or fails (the engine restarted), until
 * `signal` aborts. `onError` hears of each failed subscription.
 */
export function followEvents(
  docker: DockerClient,
  filters: EventFilters,
  onEvent: (event: DockerEvent) => void,
  signal: AbortSignal,
  onError: (err: unknown) => void,
): void {
  void (async () => {
    while (!signal.aborted) {
      try {
        await (
          await subscribeEvents(docker, filters, onEvent, signal)
        ).closed;
      } catch (err) {
        onError(err);
      }
      if (!signal.aborted) await new Promise((r) => setTimeout(r, 1000));
    }
  })();
}

/** What changed of a Swarm node, as the manager's engine says. */
export interface NodeChange {
  action: string;
  node: string;
  state?: string;
}

/** Calls `onChange` for every change to a Swarm node (joined, updated, declared down, removed) until `signal` aborts. */
export function watchNodes(docker: DockerClient, onChange: (change: NodeChange) => void, signal: AbortSignal, onError: (err: unknown) => void): void {
  const changed = (event: DockerEvent) => {
    const attributes = event.Actor?.Attributes ?? {};
    const state = attributes['state.new'];
    onChange({ action: event.Action ?? '', node: attributes.name ?? event.Actor?.ID ?? '', ...(state ? { state } : {}) });
  };
  followEvents(docker, { type: ['node'] }, changed, signal, onError);
}
