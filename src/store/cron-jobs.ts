// The cron_jobs table: an app's scheduled commands (from its app.json at the last deploy), each one's suspension
// and its last run.
import type { Db } from './db.js';
import { now } from './db.js';
import type { ConcurrencyPolicy, CronEntry } from '../input/cron.js';
import { PaasError } from '../errors.js';

export interface CronJobRow extends CronEntry {
  app: string;
  suspended: boolean;
  runs: number;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastExitCode: number | null;
  /** succeeded, failed, skipped (a run still going, concurrency_policy forbid), or running. */
  lastOutcome: string | null;
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

function fromRow(row: Record<string, unknown>): CronJobRow {
  return {
    app: String(row.app),
    id: String(row.id),
    command: String(row.command),
    schedule: String(row.schedule),
    concurrency: String(row.concurrency) as ConcurrencyPolicy,
    suspended: Boolean(row.suspended),
    runs: Number(row.runs),
    lastStartedAt: iso(row.last_started_at),
    lastFinishedAt: iso(row.last_finished_at),
    lastExitCode: row.last_exit_code == null ? null : Number(row.last_exit_code),
    lastOutcome: row.last_outcome == null ? null : String(row.last_outcome),
  };
}

export async function listCronJobs(db: Db, app?: string): Promise<CronJobRow[]> {
  const query = db('cron_jobs').orderBy(['app', 'schedule', 'id']);
  return (await (app ? query.where({ app }) : query)).map(fromRow);
}

export async function getCronJob(db: Db, app: string, id: string): Promise<CronJobRow> {
  const row = await db('cron_jobs').where({ app, id }).first();
  if (!row) throw new PaasError('PAAS_ERR_NOT_FOUND', `app "${app}" has no cron job ${id} (see: paas cron:list ${app})`);
  return fromRow(row);
}

/** Makes the app's entries `entries` (a deploy's app.json): new ones added, gone ones removed, kept ones keep their state. */
export async function replaceCronJobs(db: Db, app: string, entries: CronEntry[]): Promise<{ added: string[]; removed: string[] }> {
  return db.transaction(async (trx) => {
    const current = new Set((await trx('cron_jobs').where({ app }).select('id')).map((r: { id: string }) => r.id));
    const wanted = new Set(entries.map((e) => e.id));
    const removed = [...current].filter((id) => !wanted.has(id));
    if (removed.length) await trx('cron_jobs').where({ app }).whereIn('id', removed).delete();
    const added = entries.filter((e) => !current.has(e.id));
    for (const e of added) await trx('cron_jobs').insert({ app, id: e.id, command: e.command, schedule: e.schedule, concurrency: e.concurrency });
    for (const e of entries.filter((x) => current.has(x.id))) await trx('cron_jobs').where({ app, id: e.id }).update({ concurrency: e.concurrency });
    return { added: added.map((e) => e.id), removed };
  });
}

export async function setCronSuspended(db: Db, app: string, id: string, suspended: boolean): Promise<void> {
  await db('cron_jobs').where({ app, id }).update({ suspended });
}

export async function recordCronStart(db: Db, app: string, id: string): Promise<number> {
  await db('cron_jobs').where({ app, id }).increment('runs', 1).update({ last_started_at: now(), last_outcome: 'running', last_exit_code: null });
  return (await getCronJob(db, app, id)).runs;
}

export async function recordCronEnd(db: Db, app: string, id: string, outcome: { exitCode: number | null; outcome: string }): Promise<void> {
  await db('cron_jobs').where({ app, id }).update({ last_finished_at: now(), last_exit_code: outcome.exitCode, last_outcome: outcome.outcome });
}
