// Promotion (Heroku pipelines): a new release of the target app with the very image of the source app's release,
// the target's own config, formation and services, through the same swap as every release: no build, no new layer.
import type { ReleaseServices } from '../services.js';
import { getApp } from '../store/apps.js';
import { activeRelease, getRelease, type ReleaseSpec } from '../store/releases.js';
import { readAppFiles } from '../build/build-commit.js';
import { repoPath } from '../git/repos.js';
import { findImage } from '../docker/images.js';
import { appUrl } from '../config.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { compareLayers } from './layers.js';
import { releaseAgain } from './release-again.js';
import { collectImages } from './collect-images.js';
import { runReleaseCommand } from './deploy.js';

/**
 * Pure: the target's release spec: the source's processes, port and checks, the target's config, and the target's
 * scale for the types it ran already (a type new to the target starts with at most one replica, web with one).
 */
export function promotionSpec(source: ReleaseSpec, targetFormation: Record<string, number>, config: Record<string, string>): ReleaseSpec {
  const formation = Object.fromEntries(
    Object.keys(source.commands).map((type) => [type, targetFormation[type] ?? (type === 'web' ? 1 : Math.min(1, source.formation[type] ?? 0))]),
  );
  return { ...source, config, formation };
}

/** Releases `from`'s image on `target`; resolves with the target's new version once it serves. */
export async function promoteRelease(
  services: ReleaseServices,
  from: { app: string; version: number },
  target: string,
  out: LineSink,
  hooks: { released?: (appJson: unknown) => Promise<void> } = {},
): Promise<number> {
  const { db, docker, config } = services;
  const release = await getRelease(db, from.app, from.version);
  if (!(await findImage(docker, release.imageId)))
    throw new PaasError('PAAS_ERR_PROMOTION_REFUSED', `the image of ${from.app} v${from.version} was garbage-collected; deploy it again first`);
  const settings = await getApp(db, target);
  const previous = await activeRelease(db, target);
  const spec = promotionSpec(release.spec, previous?.spec.formation ?? settings.formation, settings.config);
  // The image is on this engine already: nothing is built or written (a Swarm node pulls only the layers it lacks).
  const changed = compareLayers(previous?.layers ?? [], release.layers);
  out.step(`Layers: ${release.layers.length} reused from ${from.app} v${from.version}, 0 new (${changed.added.length} new to ${target}, none written)`);
  // Heroku's release phase runs on promotion too, with the target's config (its database migrations).
  const files = await readAppFiles({ repo: repoPath(config.dataDir, from.app), sha: release.sha, gitEnv: {}, cache: {} }).catch(() => undefined);
  if (files?.procfile?.release) await runReleaseCommand(services, release.imageId, files.procfile.release, spec.config, target, out);
  const sha = release.sha.slice(0, 7);
  const version = await releaseAgain(
    services,
    { ...release, app: target },
    {
      spec,
      description: `Promote from ${from.app} v${from.version} (${sha})`,
      announce: (v) => `Promoting ${from.app} v${from.version} (${sha}) to ${target} as v${v} (image ${release.imageId.slice(7, 19)}, no build)`,
    },
    out,
  );
  await collectImages(services, target);
  await hooks.released?.(files?.appJson);
  out.done(`Promoted ${from.app} v${from.version} to ${target} v${version}: ${appUrl(config, target)}`);
  return version;
}
