// A new release of an image that already ran (config change, scale, rollback): no build, the image tagged as the
// new version, then the same swap as every deploy.
import type { ReleaseServices } from '../services.js';
import { nextReleaseVersion, type ReleaseRow, type ReleaseSpec } from '../store/releases.js';
import { tagImage } from '../docker/images.js';
import { imageTag } from '../docker/names.js';
import type { LineSink } from '../log.js';
import { swapRelease, type SwapOptions } from './swap-release.js';

/**
 * Releases `from`'s image as the app's next version with `spec` and `description`; `announce` says what happens
 * (given the new version) before the swap starts. Resolves with the new version.
 */
export async function releaseAgain(
  services: ReleaseServices,
  from: ReleaseRow,
  change: { spec: ReleaseSpec; description: string; announce: (version: number) => string },
  out: LineSink,
  options: SwapOptions = {},
): Promise<number> {
  const version = await nextReleaseVersion(services.db, from.app);
  out.step(change.announce(version));
  const tag = imageTag(from.app, version);
  await tagImage(services.docker, from.imageId, tag.repo, tag.tag);
  await swapRelease(
    services,
    { app: from.app, version, imageId: from.imageId, sha: from.sha, description: change.description.slice(0, 250), spec: change.spec, layers: from.layers },
    out,
    options,
  );
  return version;
}
