// Follows an Engine API progress stream (build, import) and fails on its {error} events.
import type { DockerClient } from './client.js';

export interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  /** The built image's id (`{ ID }`), or, on a `moby.buildkit.trace` event, BuildKit's progress (base64). */
  aux?: { ID?: string } | string;
  id?: string;
}

/**
 * Resolves with every event once the stream ends; rejects with the engine's message when an event carries
 * an error (followProgress itself reports those as ordinary events).
 */
export function followProgress(docker: DockerClient, stream: NodeJS.ReadableStream, onEvent: (event: ProgressEvent) => void): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, events: ProgressEvent[]) => {
        if (err) return reject(err);
        const failed = events.find((e) => e.error || e.errorDetail);
        if (failed) return reject(new Error(failed.errorDetail?.message ?? failed.error ?? 'unknown error'));
        resolve(events);
      },
      (event: ProgressEvent) => onEvent(event),
    );
  });
}

/**
 * Pure: whether a build failed because an image it had taken from the cache was deleted before its next step
 * used it. The classic builder's cache is every image on the engine, so removing any image (with its untagged
 * parents) can delete a step another build just matched; the build itself was fine and succeeds when run again.
 */
export function cacheVanished(message: string): boolean {
  return /unknown parent image ID|No such image: sha256:[0-9a-f]{64}/.test(message);
}
