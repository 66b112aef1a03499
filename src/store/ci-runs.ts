// The ci_runs table: one test run per built commit, on any branch.
import type { Db } from './db.js';
import { now } from './db.js';
import { PaasError } from '../errors.js';
import { nextNumber } from './builds.js';

export type CiStatus = 'queued' | 'running' | 'passed' | 'failed' | 'errored' | 'timed out' | 'skipped';

export interface CiRunRow {
  id: number;
  /** The app's own count: its first run is run 1. */
  number: number;
  app: string;
  branch: string;
  sha: string;
  status: CiStatus;
  command: string | null;
  exitCode: number | null;
  durationMs: number | null;
  createdAt: string;
  finishedAt: string | null;
}

const COLUMNS = ['id', 'number', 'app', 'branch', 'sha', 'status', 'command', 'exit_code', 'duration_ms', 'created_at', 'finished_at'];

function fromRow(row: Record<string, unknown>): CiRunRow {
  return {
    id: Number(row.id),
    number: Number(row.number ?? row.id),
    app: String(row.app),
    branch: String(row.branch),
    sha: String(row.sha),
    status: row.status as CiStatus,
    command: (row.command as string | null) ?? null,
    exitCode: row.exit_code == null ? null : Number(row.exit_code),
    durationMs: row.duration_ms == null ? null : Number(row.duration_ms),
    createdAt: new Date(row.created_at as string).toISOString(),
    finishedAt: row.finished_at == null ? null : new Date(row.finished_at as string).toISOString(),
  };
}

export async function insertCiRun(db: Db, run: { app: string; branch: string; sha: string; status: CiStatus; command: string | null }): Promise<number> {
  return db.transaction(async (trx) => {
    const number = await nextNumber(trx, 'ci_runs', run.app);
    const [row] = await trx('ci_runs')
      .insert({ ...run, number, log: '', created_at: now() })
      .returning('id');
    return Number(typeof row === 'object' ? row.id : row);
  });
}

/** A run's number among its app's runs. */
export async function ciRunNumber(db: Db, id: number): Promise<number> {
  const row = (await db('ci_runs').select('number').where({ id }).first()) as { number: number | null } | undefined;
  return Number(row?.number ?? id);
}

export async function deleteCiRun(db: Db, id: number): Promise<void> {
  await db('ci_runs').where({ id }).delete();
}

/** On daemon start: CI runs that were running when the daemon stopped are recorded as errored; resolves with how many. */
export async function markInterruptedCiRuns(db: Db): Promise<number> {
  return db('ci_runs')
    .where({ status: 'running' })
    .update({ status: 'errored', log: 'interrupted: the daemon stopped during this run; run it again with paas ci:run', finished_at: now() });
}

export async function updateCiRun(db: Db, id: number, change: { status: CiStatus; command?: string | null }): Promise<void> {
  await db('ci_runs')
    .where({ id })
    .update({ status: change.status, ...(change.command !== undefined ? { command: change.command } : {}) });
}

export async function finishCiRun(db: Db, id: number, result: { status: CiStatus; exitCode?: number | null; durationMs?: number; log: string }): Promise<void> {
  await db('ci_runs')
    .where({ id })
    .update({ status: result.status, exit_code: result.exitCode ?? null, duration_ms: result.durationMs ?? null, log: result.log, finished_at: now() });
}

export async function listCiRuns(db: Db, app: string): Promise<CiRunRow[]> {
  return (await db('ci_runs').select(COLUMNS).where({ app }).orderBy('id', 'desc')).map(fromRow);
}

export async function getCiRun(db: Db, app: string, number: number): Promise<CiRunRow & { log: string }> {
  const row = await db('ci_runs').where({ app, number }).first();
  if (!row) throw new PaasError('PAAS_ERR_CI_RUN_NOT_FOUND', `app "${app}" has no CI run ${number} (see: paas ci ${app})`);
  return { ...fromRow(row), log: String(row.log) };
}

/** The newest CI run of a commit (its full id or an abbreviation of at least 7 hex digits). */
export async function getCiRunOfCommit(db: Db, app: string, sha: string): Promise<CiRunRow & { log: string }> {
  const row = await db('ci_runs').where({ app }).andWhere('sha', 'like', `${sha.toLowerCase()}%`).orderBy('id', 'desc').first();
  if (!row) throw new PaasError('PAAS_ERR_CI_RUN_NOT_FOUND', `app "${app}" has no CI run of commit ${sha} (see: paas ci ${app})`);
  return { ...fromRow(row), log: String(row.log) };
}
