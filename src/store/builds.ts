// The builds table: one row per pushed ref that was handed to the queue.
import type { Db } from './db.js';
import { now } from './db.js';
import { PaasError } from '../errors.js';

export type BuildStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface BuildRow {
  id: number;
  /** The app's own count: its first build is build 1. */
  number: number;
  app: string;
  ref: string;
  sha: string;
  status: BuildStatus;
  releaseVersion: number | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

type Raw = Record<string, unknown>;
const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

function fromRow(row: Raw): BuildRow {
  return {
    id: Number(row.id),
    number: Number(row.number ?? row.id),
    app: String(row.app),
    ref: String(row.ref),
    sha: String(row.sha),
    status: row.status as BuildStatus,
    releaseVersion: row.release_version == null ? null : Number(row.release_version),
    error: (row.error as string | null) ?? null,
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

const COLUMNS = ['id', 'number', 'app', 'ref', 'sha', 'status', 'release_version', 'error', 'created_at', 'started_at', 'finished_at'];

/** Records a queued build; resolves with its id and its number among the app's builds. */
export async function insertBuild(db: Db, build: { app: string; ref: string; sha: string }): Promise<{ id: number; number: number }> {
  return db.transaction(async (trx) => {
    const number = await nextNumber(trx, 'builds', build.app);
    const [row] = await trx('builds')
      .insert({ ...build, number, status: 'queued', log: '', created_at: now() })
      .returning('id');
    return { id: Number(typeof row === 'object' ? row.id : row), number };
  });
}

/** The next per-app number in `table` (builds, ci_runs). */
export async function nextNumber(db: Db, table: string, app: string): Promise<number> {
  const row = (await db(table).where({ app }).max({ n: 'number' }).first()) as { n: number | null } | undefined;
  return Number(row?.n ?? 0) + 1;
}

export async function deleteBuild(db: Db, id: number): Promise<void> {
  await db('builds').where({ id }).delete();
}

/**
 * On daemon start: builds that were running when the daemon stopped can never finish (their job is gone with
 * it), so they are recorded as failed, saying why; resolves with how many.
 */
export async function markInterruptedBuilds(db: Db): Promise<number> {
  return db('builds')
    .where({ status: 'running' })
    .update({ status: 'failed', error: 'interrupted: the daemon stopped during this build; push again', finished_at: now() });
}

export async function markBuildRunning(db: Db, id: number): Promise<void> {
  await db('builds').where({ id }).update({ status: 'running', started_at: now() });
}

export async function finishBuild(
  db: Db,
  id: number,
  result: { status: 'succeeded' | 'failed'; log: string; error?: string; releaseVersion?: number },
): Promise<void> {
  await db('builds')
    .where({ id })
    .update({
      status: result.status,
      log: result.log,
      error: result.error ?? null,
      release_version: result.releaseVersion ?? null,
      finished_at: now(),
    });
}

export async function listBuilds(db: Db, app: string): Promise<BuildRow[]> {
  return (await db('builds').select(COLUMNS).where({ app }).orderBy('id', 'desc')).map(fromRow);
}

export async function getBuildLog(db: Db, app: string, number: number): Promise<string> {
  const row = await db('builds').select('log').where({ app, number }).first();
  if (!row) throw new PaasError('PAAS_ERR_BUILD_NOT_FOUND', `app "${app}" has no build ${number} (see: paas builds ${app})`);
  return String(row.log);
}

/** The log of the build that made release `version`, if a build made it (a config change or rollback did not). */
export async function findReleaseBuildLog(db: Db, app: string, version: number): Promise<{ number: number; log: string } | undefined> {
  const row = await db('builds').select('number', 'log').where({ app, release_version: version }).first();
  return row ? { number: Number(row.number), log: String(row.log) } : undefined;
}
