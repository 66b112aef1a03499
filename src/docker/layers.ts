// Pure: an image's layers with their sizes, read from the Engine API's inspect and history answers.
import type { Layer } from '../store/releases.js';

export interface HistoryEntry {
  CreatedBy: string;
  Size: number;
}

/** True for a history entry that made a filesystem layer (RUN, COPY, ADD, WORKDIR, an import), not metadata. */
function makesLayer(entry: HistoryEntry): boolean {
  if (!entry.CreatedBy.includes('#(nop)')) return true;
  return /#\(nop\)\s+(COPY|ADD|WORKDIR)\b/.test(entry.CreatedBy);
}

/**
 * Pairs the image's layer digests (RootFS.Layers, oldest first) with sizes from its history (newest first, as
 * the Engine API gives it). When the two do not line up, sizes are -1 (unknown) rather than guessed.
 */
export function layersWithSizes(diffIds: string[], history: HistoryEntry[]): Layer[] {
  const sized = [...history].reverse().filter(makesLayer);
  const aligned = sized.length === diffIds.length;
  return diffIds.map((digest, i) => ({ digest, size: aligned ? sized[i]!.Size : -1 }));
}
