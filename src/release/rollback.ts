// Rollback: a new release vM with vN's image and config, deployed through the same swap, with no build.
import type { ReleaseServices } from '../services.js';
import { activeRelease, getRelease, listReleases, type ReleaseRow } from '../store/releases.js';
import { findImage } from '../docker/images.js';
import { getApp, setAppConfig } from '../store/apps.js';
import { listLinks } from '../store/backing-services.js';
import { appUrl } from '../config.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { releaseAgain } from './release-again.js';
import { collectImages } from './collect-images.js';
import { ROLLBACK_UPTIME_SECONDS } from '../input/healthchecks.js';

/** Pure: the default target, as on Heroku: the newest release before the active one that ran (not failed), of any kind. */
export function previousGoodRelease(releases: ReleaseRow[], active: ReleaseRow): ReleaseRow | undefined {
  return releases.filter((r) => r.version < active.version && r.status !== 'failed').sort((a, b) => b.version - a.version)[0];
}

/** Pure: a rollback brings back code and config, not scale: the current formation, for the types the target has. */
export function rollbackSpec(target: ReleaseRow, active: ReleaseRow): ReleaseRow['spec'] {
  const formation = Object.fromEntries(Object.entries(target.spec.formation).map(([type, n]) => [type, active.spec.formation[type] ?? n]));
  return { ...target.spec, formation };
}

/**
 * Pure: the config a rollback brings back: the target's, but the variables of the services linked now keep their
 * current values (attachments are not rolled back, as on Heroku): a rollback to before `services:link` keeps
 * DATABASE_URL, and one to before a service was relinked keeps its new URL.
 */
export function rollbackConfig(target: Record<string, string>, current: Record<string, string>, attached: string[]): Record<string, string> {
  const next = { ...target };
  for (const name of attached) if (name in current) next[name] = current[name]!;
  return next;
}

/** Pure: whether two configs hold the same variables with the same values. */
export function sameConfig(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

async function oldestPossibleTarget(services: ReleaseServices, releases: ReleaseRow[], active: ReleaseRow): Promise<number | undefined> {
  const candidates = releases.filter((r) => r.version !== active.version && r.status !== 'failed').sort((a, b) => a.version - b.version);
  for (const r of candidates) if (await findImage(services.docker, r.imageId)) return r.version;
  return undefined;
}

/** Rolls `app` back to `version` (default: the previous good release); resolves with the new release's version. */
export async function rollbackRelease(services: ReleaseServices, app: string, version: number | undefined, out: LineSink): Promise<number> {
  const { db, docker } = services;
  const active = await activeRelease(db, app);
  if (!active) throw new PaasError('PAAS_ERR_ROLLBACK_IMPOSSIBLE', `app "${app}" has no release to roll back from`);
  const releases = await listReleases(db, app);
  const target = version === undefined ? previousGoodRelease(releases, active) : await getRelease(db, app, version);
  if (!target) throw new PaasError('PAAS_ERR_ROLLBACK_IMPOSSIBLE', `app "${app}" has no earlier release to roll back to`);
  if (target.version === active.version) throw new PaasError('PAAS_ERR_ROLLBACK_IMPOSSIBLE', `v${target.version} is the active release already`);
  if (target.status === 'failed')
    throw new PaasError('PAAS_ERR_ROLLBACK_IMPOSSIBLE', `v${target.version} failed to deploy; pick a release that ran (see: paas releases ${app})`);
  if (!(await findImage(docker, target.imageId))) {
    const oldest = await oldestPossibleTarget(services, releases, active);
    throw new PaasError(
      'PAAS_ERR_ROLLBACK_IMPOSSIBLE',
      `the image of v${target.version} was garbage-collected; ${oldest ? `the oldest release you can roll back to is v${oldest}` : 'no earlier release can be rolled back to'}`,
    );
  }

  const links = await listLinks(db, { app });
  const config = rollbackConfig(
    target.spec.config,
    (await getApp(db, app)).config,
    links.map((l) => l.envVar),
  );
  if (links.length) out.detail(`linked services keep their variables as they are now: ${links.map((l) => `${l.envVar} (${l.service})`).join(', ')}`);
  const newVersion = await releaseAgain(
    services,
    target,
    {
      spec: { ...rollbackSpec(target, active), config },
      description: `Rollback to v${target.version}`,
      announce: (v) => `Rolling back ${app} to v${target.version} as v${v} (image ${target.imageId.slice(7, 19)}, no build)`,
    },
    out,
    {
      replacedStatus: 'rolled back',
      uptimeSeconds: Math.min(ROLLBACK_UPTIME_SECONDS, services.config.checksUptimeSeconds),
      alsoRecord: (trx) => setAppConfig(trx, app, config),
      // Its held replicas run with its config: they may serve meanwhile only when the rollback brings that back.
      ...(sameConfig(config, target.spec.config) ? { bridgeFrom: target.version } : {}),
    },
  );
  await collectImages(services, app);
  out.done(`Rolled back to v${target.version}: ${appUrl(services.config, app)}`);
  return newVersion;
}
