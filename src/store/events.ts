// The events table, the audit trail: who did what to which app, and when (`paas events [APP]`). Secrets never go
// in: config changes are recorded by name, keys by fingerprint-free name.
import type { Db } from './db.js';
import { now } from './db.js';

export interface EventRow {
  id: number;
  at: string;
  actor: string;
  app: string | null;
  action: string;
  detail: string;
}

export async function recordEvent(db: Db, event: Omit<EventRow, 'id' | 'at'>): Promise<void> {
  await db('events').insert({ at: now(), actor: event.actor, app: event.app, action: event.action, detail: event.detail });
}

/** The newest `limit` events, oldest first; of some apps only when `apps` is given. */
export async function listEvents(db: Db, options: { app?: string; apps?: readonly string[]; limit: number }): Promise<EventRow[]> {
  let query = db('events').orderBy('id', 'desc').limit(options.limit);
  if (options.app) query = query.where({ app: options.app });
  if (options.apps) query = query.whereIn('app', [...options.apps]);
  const rows = (await query) as Record<string, unknown>[];
  return rows.reverse().map((row) => ({
    id: Number(row.id),
    at: new Date(String(row.at)).toISOString(),
    actor: String(row.actor),
    app: (row.app as string | null) ?? null,
    action: String(row.action),
    detail: String(row.detail ?? ''),
  }));
}
