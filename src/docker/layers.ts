// Pure: an image's layers with their sizes, read from the Engine API's inspect and history answers.
import type { Layer } from '../store/releases.js';

export interface HistoryEntry {
  CreatedBy: string;
  Size: number;
  /** How many layers the image had after this step, when its intermediate image is on the host. */
  Layers?: number;
}

/** True for a history entry that made a filesystem layer (RUN, COPY, ADD, WORKDIR, an import), not metadata. */
function makesLayer(entry: HistoryEntry): boolean {
  // BuildKit writes the instruction itself (`ARG X=1`, `CMD ["x"]`); the classic builder `/bin/sh -c #(nop) CMD ...`.
  if (/^(ARG|ENV|LABEL|EXPOSE|CMD|ENTRYPOINT|USER|VOLUME|STOPSIGNAL|HEALTHCHECK|SHELL|ONBUILD|MAINTAINER)\b/.test(entry.CreatedBy)) return false;
  if (!entry.CreatedBy.includes('#(nop)')) return true;
  return /#\(nop\)\s+(COPY|ADD|WORKDIR)\b/.test(entry.CreatedBy);
}

/** A step that added no bytes: Docker commits no layer for it when its change was empty (a WORKDIR that existed, a RUN that wrote nothing). */
function mayMakeNoLayer(entry: HistoryEntry): boolean {
  return entry.Size === 0;
}

/**
 * Exact sizes when every step's layer count is known (the classic builder keeps each step's image): a step made a
 * layer exactly when the count went up by one. Undefined when a count is missing or the counts do not add up.
 */
function sizesFromCounts(layerCount: number, oldestFirst: HistoryEntry[]): number[] | undefined {
  const sizes: number[] = [];
  let count = 0;
  for (const entry of oldestFirst) {
    if (entry.Layers === undefined) return undefined;
    if (entry.Layers === count + 1) sizes.push(entry.Size);
    else if (entry.Layers !== count) return undefined;
    count = entry.Layers;
  }
  return sizes.length === layerCount ? sizes : undefined;
}

/**
 * Pairs the image's layer digests (RootFS.Layers, oldest first) with sizes from its history (newest first, as
 * the Engine API gives it): exactly from each step's layer count when the host has them; otherwise by position,
 * where only a step that added no bytes may have left no layer, so when the counts differ the layers before the
 * first such step and after the last one still pair; a size that cannot be told is -1 (unknown), never guessed.
 */
export function layersWithSizes(diffIds: string[], history: HistoryEntry[]): Layer[] {
  const exact = sizesFromCounts(diffIds.length, [...history].reverse());
  if (exact) return diffIds.map((digest, i) => ({ digest, size: exact[i]! }));
  const entries = [...history].reverse().filter(makesLayer);
  const unsure = entries.filter(mayMakeNoLayer).length;
  if (entries.length === diffIds.length) return diffIds.map((digest, i) => ({ digest, size: entries[i]!.Size }));
  const sure = entries.filter((e) => !mayMakeNoLayer(e));
  if (sure.length === diffIds.length) return diffIds.map((digest, i) => ({ digest, size: sure[i]!.Size }));
  const sizes: number[] = diffIds.map(() => -1);
  if (diffIds.length > sure.length && diffIds.length < sure.length + unsure) {
    const first = entries.findIndex(mayMakeNoLayer);
    const last = entries.length - 1 - [...entries].reverse().findIndex(mayMakeNoLayer);
    for (let i = 0; i < first; i++) sizes[i] = entries[i]!.Size;
    for (let i = entries.length - 1, d = diffIds.length - 1; i > last; i--, d--) sizes[d] = entries[i]!.Size;
  }
  return diffIds.map((digest, i) => ({ digest, size: sizes[i]! }));
}
