// Pure: app.json `cron` (Dokku's format): each entry a `command`, a `schedule` in cron syntax (five fields, or six
// with seconds first), and an optional `concurrency_policy` (allow, forbid, replace), with a stable id.
import { createHash } from 'node:crypto';
import cronParser from 'cron-parser';
import { PaasError } from '../errors.js';

export type ConcurrencyPolicy = 'allow' | 'forbid' | 'replace';

export interface CronEntry {
  /** Stable across deploys while the command and schedule stay the same (as Dokku's cron ids). */
  id: string;
  command: string;
  schedule: string;
  concurrency: ConcurrencyPolicy;
}

const MAX_ENTRIES = 50;

/** The id of an entry: a short hash of its schedule and command. */
export function cronId(schedule: string, command: string): string {
  return createHash('sha256').update(`${schedule}\n${command}`).digest('hex').slice(0, 10);
}

/** When a schedule runs next after `from` (UTC), or throws PAAS_ERR_INVALID_APP_JSON saying what is wrong. */
export function nextRun(schedule: string, from = new Date()): Date {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6)
    throw new PaasError(
      'PAAS_ERR_INVALID_APP_JSON',
      `app.json cron schedule ${JSON.stringify(schedule)}: use five fields (minute hour day month weekday), or six with seconds first`,
    );
  try {
    return cronParser.parseExpression(schedule, { currentDate: from, utc: true }).next().toDate();
  } catch (err) {
    throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `app.json cron schedule ${JSON.stringify(schedule)}: ${(err as Error).message}`);
  }
}

/** Reads app.json's `cron` list; none is an empty list. */
export function parseCronEntries(appJson: unknown): CronEntry[] {
  const list = (appJson as { cron?: unknown } | undefined)?.cron;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new PaasError('PAAS_ERR_INVALID_APP_JSON', 'app.json cron must be a list of { "command": ..., "schedule": ... }');
  if (list.length > MAX_ENTRIES) throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `app.json cron has ${list.length} entries; at most ${MAX_ENTRIES}`);
  const entries = list.map((raw: unknown, i) => {
    const entry = (raw ?? {}) as { command?: unknown; schedule?: unknown; concurrency_policy?: unknown };
    if (typeof entry.command !== 'string' || !entry.command.trim() || entry.command.length > 4096 || entry.command.includes('\0'))
      throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `app.json cron[${i}] needs a "command" (a string)`);
    if (typeof entry.schedule !== 'string') throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `app.json cron[${i}] needs a "schedule" such as "0 3 * * *"`);
    const schedule = entry.schedule.trim().replace(/\s+/g, ' ');
    nextRun(schedule);
    const policy = entry.concurrency_policy ?? 'allow';
    if (policy !== 'allow' && policy !== 'forbid' && policy !== 'replace')
      throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `app.json cron[${i}] concurrency_policy must be allow, forbid or replace`);
    return { id: cronId(schedule, entry.command), command: entry.command, schedule, concurrency: policy as ConcurrencyPolicy };
  });
  return [...new Map(entries.map((e) => [e.id, e])).values()];
}
