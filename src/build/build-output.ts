// Pure: turns Engine API build events into the lines a user sees in the push.
import type { ProgressEvent } from '../docker/progress.js';

/** The user-facing lines of one build event (detail lines, without prefix); empty for noise. */
export function buildEventLines(event: ProgressEvent): string[] {
  const text = event.stream ?? event.status ?? '';
  return text
    .replace(/\r/g, '')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter(
      (line) => line.trim() !== '' && !/^ ---> [0-9a-f]{12}$/.test(line) && !/^(Removing intermediate container|---> Running in) [0-9a-f]+$/.test(line.trim()),
    );
}
