// `paas releases:diff APP vA vB`: layers added and removed between two releases, the files in the new layers, and
// the config vars set or removed (names only, as the audit trail keeps them).
import type { Services } from '../services.js';
import { getRelease, type Layer } from '../store/releases.js';
import { filesInLayers, findImage } from '../docker/images.js';
import { compareLayers } from './layers.js';

export interface ReleaseDiff {
  from: number;
  to: number;
  added: (Layer & { files: string[] | null })[];
  removed: Layer[];
  newBytes: number;
  /** Config vars whose value differs (set: added or changed; removed), by name. */
  config: ConfigChanges;
}

export interface ConfigChanges {
  set: string[];
  removed: string[];
}

/** Pure: the names of the config vars `to` sets (new or changed) and removes, compared with `from`. */
export function configChanges(from: Record<string, string>, to: Record<string, string>): ConfigChanges {
  return {
    set: Object.keys(to)
      .filter((k) => !Object.hasOwn(from, k) || from[k] !== to[k])
      .sort(),
    removed: Object.keys(from)
      .filter((k) => !Object.hasOwn(to, k))
      .sort(),
  };
}

/**
 * Compares the recorded layers of two releases; lists the files of the added layers from the newer image,
 * streamed through `docker save` (files are null when that image was collected).
 */
export async function diffReleases(services: Pick<Services, 'db' | 'docker'>, app: string, from: number, to: number): Promise<ReleaseDiff> {
  const [a, b] = await Promise.all([getRelease(services.db, app, from), getRelease(services.db, app, to)]);
  const diff = compareLayers(a.layers, b.layers);
  const files =
    diff.added.length && (await findImage(services.docker, b.imageId))
      ? await filesInLayers(services.docker, b.imageId, new Set(diff.added.map((l) => l.digest)))
      : new Map<string, string[]>();
  return {
    from,
    to,
    added: diff.added.map((l) => ({ ...l, files: files.get(l.digest) ?? null })),
    removed: diff.removed,
    newBytes: diff.newBytes,
    config: configChanges(a.spec.config, b.spec.config),
  };
}
