// The releases table: what ran for an app, version by version.
import type { Db } from './db.js';
import { now } from './db.js';

export type ReleaseStatus = 'active' | 'superseded' | 'failed';

export interface ReleaseRow {
  app: string;
  version: number;
  imageId: string;
  sha: string;
  status: ReleaseStatus;
  createdAt: string;
}

function fromRow(row: Record<string, unknown>): ReleaseRow {
  return {
    app: String(row.app),
    version: Number(row.version),
    imageId: String(row.image_id),
    sha: String(row.sha),
    status: row.status as ReleaseStatus,
    createdAt: new Date(row.created_at as string).toISOString(),
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

/** Records `release` as the app's active release and the one before as superseded. */
export async function recordActiveRelease(db: Db, release: Omit<ReleaseRow, 'status' | 'createdAt'>): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('releases').where({ app: release.app, status: 'active' }).update({ status: 'superseded' });
    await trx('releases').insert({
      app: release.app,
      version: release.version,
      image_id: release.imageId,
      sha: release.sha,
      status: 'active',
      created_at: now(),
    });
  });
}

export async function listReleases(db: Db, app: string): Promise<ReleaseRow[]> {
  return (await db('releases').where({ app }).orderBy('version', 'desc')).map(fromRow);
}
