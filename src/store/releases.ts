// The releases table: immutable records of what ran for an app, version by version.
import type { Db } from './db.js';
import { now } from './db.js';
import { PaasError } from '../errors.js';
import { currentActor } from '../actor.js';
import type { HealthPlan } from '../input/healthchecks.js';

export type ReleaseStatus = 'active' | 'superseded' | 'failed' | 'rolled back';

/** How a release runs: everything a rollback needs to run it again without a build. */
export interface ReleaseSpec {
  /** Config vars snapshot. */
  config: Record<string, string>;
  /** Process type -> replicas. */
  formation: Record<string, number>;
  /** Process type -> command (null: the image's own CMD). */
  commands: Record<string, string | null>;
  /** The port web listens on. */
  port: number;
  /** h2c: the router speaks HTTP/2 without TLS to web (apps:upstream); absent: HTTP/1.1. */
  upstream?: 'h2c';
  healthchecks: Record<string, HealthPlan>;
}

export interface Layer {
  digest: string;
  size: number;
}

export interface ReleaseRow {
  app: string;
  version: number;
  imageId: string;
  sha: string;
  status: ReleaseStatus;
  description: string;
  spec: ReleaseSpec;
  layers: Layer[];
  error: string | null;
  createdAt: string;
  /** Who made it: a key's or token's name, "local", or "paas" (healing); null for releases made before this was kept. */
  actor: string | null;
}

export function emptySpec(): ReleaseSpec {
  return { config: {}, formation: { web: 1 }, commands: { web: null }, port: 5000, healthchecks: {} };
}

function fromRow(row: Record<string, unknown>): ReleaseRow {
  return {
    app: String(row.app),
    version: Number(row.version),
    imageId: String(row.image_id),
    sha: String(row.sha),
    status: row.status as ReleaseStatus,
    description: String(row.description ?? ''),
    spec: { ...emptySpec(), ...(JSON.parse(String(row.spec_json ?? '{}')) as Partial<ReleaseSpec>) },
    layers: JSON.parse(String(row.layers_json ?? '[]')) as Layer[],
    error: (row.error as string | null) ?? null,
    createdAt: new Date(row.created_at as string).toISOString(),
    actor: (row.actor as string | null) ?? null,
  };
}

/** The version the next release of `app` gets; the app's jobs run one at a time, so this cannot race. */
export async function nextReleaseVersion(db: Db, app: string): Promise<number> {
  const row = await db('releases').where({ app }).max({ v: 'version' }).first();
  return Number(row?.v ?? 0) + 1;
}

export async function activeRelease(db: Db, app: string): Promise<ReleaseRow | undefined> {
  const row = await db('releases').where({ app, status: 'active' }).orderBy('version', 'desc').first();
  return row ? fromRow(row) : undefined;
}

export async function findRelease(db: Db, app: string, version: number): Promise<ReleaseRow | undefined> {
  const row = await db('releases').where({ app, version }).first();
  return row ? fromRow(row) : undefined;
}

export async function getRelease(db: Db, app: string, version: number): Promise<ReleaseRow> {
  const release = await findRelease(db, app, version);
  if (!release) throw new PaasError('PAAS_ERR_RELEASE_NOT_FOUND', `app "${app}" has no release v${version} (see: paas releases ${app})`);
  return release;
}

/** A release to record; its actor is the one the current work is done for (auth/actor.ts). */
export type NewRelease = Omit<ReleaseRow, 'status' | 'createdAt' | 'error' | 'actor'>;

/**
 * Records `release` as the app's active release; the one it replaces becomes superseded, or "rolled back" when
 * `replacedStatus` says so.
 */
export async function recordActiveRelease(
  db: Db,
  release: NewRelease,
  replacedStatus: ReleaseStatus = 'superseded',
  alsoRecord?: (trx: Db) => Promise<void>,
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('releases').where({ app: release.app, status: 'active' }).update({ status: replacedStatus });
    await trx('releases').insert(toRow(release, 'active', null));
    // What the release changes besides itself (a config change's stored config): in the same step, so a crash
    // can never leave one without the other.
    await alsoRecord?.(trx);
  });
}

/** Scaling: the active release runs with `formation` from now on (Heroku: scaling makes no release). */
export async function setReleaseFormation(db: Db, release: Pick<ReleaseRow, 'app' | 'version' | 'spec'>, formation: Record<string, number>): Promise<void> {
  const updated = await db('releases')
    .where({ app: release.app, version: release.version, status: 'active' })
    .update({ spec_json: JSON.stringify({ ...release.spec, formation }) });
  if (updated !== 1) throw new PaasError('PAAS_ERR_RELEASE_NOT_FOUND', `v${release.version} of ${release.app} is no longer the active release; scale again`);
}

/**
 * Takes back an active release that must not stand (its push never completed): it is recorded as failed with
 * `error`, and `previous` is active again.
 */
export async function demoteRelease(db: Db, active: ReleaseRow, previous: ReleaseRow | undefined, error: string): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('releases').where({ app: active.app, version: active.version }).update({ status: 'failed', error });
    if (previous) await trx('releases').where({ app: previous.app, version: previous.version }).update({ status: 'active' });
  });
}

/** Records a release that never became active. */
export async function recordFailedRelease(db: Db, release: NewRelease, error: string): Promise<void> {
  await db('releases').insert(toRow(release, 'failed', error));
}

function toRow(release: NewRelease, status: ReleaseStatus, error: string | null) {
  return {
    app: release.app,
    version: release.version,
    image_id: release.imageId,
    sha: release.sha,
    status,
    description: release.description,
    spec_json: JSON.stringify(release.spec),
    layers_json: JSON.stringify(release.layers),
    error,
    created_at: now(),
    actor: currentActor() ?? null,
  };
}

export async function listReleases(db: Db, app: string): Promise<ReleaseRow[]> {
  return (await db('releases').where({ app }).orderBy('version', 'desc')).map(fromRow);
}
