// Pure: what a release's image shares with another's, and byte counts as people read them.
import type { Layer } from '../store/releases.js';

export interface LayerComparison {
  reused: number;
  added: Layer[];
  removed: Layer[];
  newBytes: number;
}

/** What `next` adds to and drops from `previous` (by digest). */
export function compareLayers(previous: Layer[], next: Layer[]): LayerComparison {
  const before = new Set(previous.map((l) => l.digest));
  const after = new Set(next.map((l) => l.digest));
  const added = next.filter((l) => !before.has(l.digest));
  return {
    reused: next.length - added.length,
    added,
    removed: previous.filter((l) => !after.has(l.digest)),
    newBytes: added.reduce((sum, l) => sum + Math.max(0, l.size), 0),
  };
}

/** The deploy's layer line: "Layers: 5 reused, 2 new (12 MB)", saying so when some new sizes are unknown. */
export function layersLine(diff: LayerComparison): string {
  const unknown = diff.added.filter((l) => l.size < 0).length;
  const bytes =
    unknown === 0 ? formatBytes(diff.newBytes) : unknown === diff.added.length ? 'size unknown' : `${formatBytes(diff.newBytes)} + ${unknown} of unknown size`;
  return `Layers: ${diff.reused} reused, ${diff.added.length} new (${bytes})`;
}

/** 212 KB, 1.4 MB: sizes as people read them (1000-based, like docker). */
export function formatBytes(bytes: number): string {
  if (bytes < 0) return 'unknown size';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
