// Garbage-collects release images: the last K releases stay as rollback targets; older tags are removed, here and
// in the registry they were shipped to.
import type { Services } from '../services.js';
import { listReleases, type ReleaseRow } from '../store/releases.js';
import { listAppImages, untagImage } from '../docker/images.js';
import { imageTag, isDepsTag } from '../docker/names.js';

/** Pure: the releases whose images stay (the newest `keep` that ran, and the active one). */
export function releasesToKeep(releases: ReleaseRow[], keep: number): Set<number> {
  const ran = releases.filter((r) => r.status !== 'failed').sort((a, b) => b.version - a.version);
  const kept = new Set(ran.slice(0, keep).map((r) => r.version));
  for (const r of releases) if (r.status === 'active') kept.add(r.version);
  return kept;
}

/**
 * Removes the image tags of releases beyond the last `keepReleases`, then the app's dependency images that no
 * kept image builds on (Docker refuses to delete those); returns the release versions collected.
 */
export async function collectImages(services: Pick<Services, 'db' | 'docker' | 'config' | 'scheduler'>, app: string): Promise<number[]> {
  const releases = await listReleases(services.db, app);
  const kept = releasesToKeep(releases, services.config.keepReleases);
  const collected: number[] = [];
  for (const release of releases) {
    if (kept.has(release.version)) continue;
    if (await untagImage(services.docker, imageTag(app, release.version).ref)) collected.push(release.version);
  }
  // Where the images were shipped to (a Swarm cluster's registry), they go too.
  await services.scheduler.forgetReleases?.(app, collected, [...kept]);
  // A dependency image is in use while a kept image builds on it: its layers are the first layers of that image
  // (true of both builders: BuildKit records no parent image, the classic builder a chain of step images).
  const images = await Promise.all(
    (await listAppImages(services.docker, app)).map(async (image) => ({ ...image, layers: await layersOf(services, image.Id) })),
  );
  const deps = images.filter((image) => (image.RepoTags ?? []).some((t) => isDepsTag(app, t)));
  const others = images.filter((image) => !deps.includes(image));
  for (const image of deps) {
    if (others.some((other) => buildsOn(other.layers, image.layers))) continue;
    for (const tag of (image.RepoTags ?? []).filter((t) => isDepsTag(app, t))) await untagImage(services.docker, tag);
  }
  return collected;
}

/** Pure: whether an image of layers `image` builds on one of layers `base` (a strict prefix of them). */
export function buildsOn(image: readonly string[], base: readonly string[]): boolean {
  return base.length > 0 && image.length > base.length && base.every((layer, i) => image[i] === layer);
}

/** The image's layer digests, oldest first; none when it is gone meanwhile. */
async function layersOf(services: Pick<Services, 'docker'>, id: string): Promise<string[]> {
  const info = await services.docker
    .getImage(id)
    .inspect()
    .catch(() => undefined);
  return info?.RootFS?.Layers ?? [];
}
