// Pure: the closest known name to a mistyped one, for "did you mean" hints.
import { distance } from 'fastest-levenshtein';

/** The candidate nearest to `input` when it is close enough to be a typo (2 edits, or a third of its letters). */
export function suggestion(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(input, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance > 0 && bestDistance <= Math.max(2, Math.floor(input.length / 3)) && bestDistance < input.length ? best : undefined;
}
