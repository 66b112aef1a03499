// Pure: releases as `paas releases` shows them, each with what it shares with the release before it.
import type { ReleaseRow } from '../store/releases.js';
import { compareLayers } from './layers.js';

export interface ReleaseView {
  version: number;
  status: string;
  description: string;
  sha: string;
  imageId: string;
  createdAt: string;
  layers: number;
  sharedLayers: number;
  newBytes: number;
  error: string | null;
  /** Who made it (null before this was kept). */
  by: string | null;
}

/** Newest first; each release compared with the next older one. */
export function releaseViews(releases: ReleaseRow[]): ReleaseView[] {
  const ordered = [...releases].sort((a, b) => b.version - a.version);
  return ordered.map((r, i) => {
    const older = ordered[i + 1];
    const diff = compareLayers(older?.layers ?? [], r.layers);
    return {
      version: r.version,
      status: r.status,
      description: r.description,
      sha: r.sha,
      imageId: r.imageId,
      createdAt: r.createdAt,
      layers: r.layers.length,
      sharedLayers: diff.reused,
      newBytes: diff.newBytes,
      error: r.error,
      by: r.actor,
    };
  });
}
