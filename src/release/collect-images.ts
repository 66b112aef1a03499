// Garbage-collects release images: the last K releases stay as rollback targets; older tags are removed, here and
// in the registry they were shipped to.
import type { Services } from '../services.js';
import { listReleases, type ReleaseRow } from '../store/releases.js';
import { imageParent, listAppImages, untagImage } from '../docker/images.js';
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
  const images = await listAppImages(services.docker, app);
  const inUse = await ancestorsOf(services, images);
  for (const image of images) {
    if (inUse.has(image.Id)) continue;
    for (const tag of (image.RepoTags ?? []).filter((t) => isDepsTag(app, t))) await untagImage(services.docker, tag);
  }
  return collected;
}

/** Every image `images` build on (their parent chains, as the local builder records them). */
async function ancestorsOf(services: Pick<Services, 'docker'>, images: { ParentId: string }[]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const image of images) {
    let parent: string | undefined = image.ParentId;
    for (let depth = 0; parent && !seen.has(parent) && depth < 64; depth++) {
      seen.add(parent);
      parent = await imageParent(services.docker, parent);
    }
  }
  return seen;
}
