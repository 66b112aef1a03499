// The domains table: custom hostnames, each routed to one app.
import type { Db } from './db.js';
import { now } from './db.js';

export interface DomainRow {
  host: string;
  app: string;
  createdAt: string;
}

function fromRow(row: Record<string, string | Date>): DomainRow {
  return { host: String(row.host), app: String(row.app), createdAt: new Date(row.created_at as string).toISOString() };
}

/** The domains of `app`, or of every app when omitted. */
export async function listDomains(db: Db, app?: string): Promise<DomainRow[]> {
  const query = db('domains').orderBy('host');
  return (await (app ? query.where({ app }) : query)).map(fromRow);
}

export async function findDomain(db: Db, host: string): Promise<DomainRow | undefined> {
  const row = await db('domains').where({ host }).first();
  return row ? fromRow(row) : undefined;
}

export async function insertDomain(db: Db, host: string, app: string): Promise<DomainRow> {
  await db('domains').insert({ host, app, created_at: now() });
  return (await findDomain(db, host))!;
}

export async function deleteDomain(db: Db, host: string, app: string): Promise<number> {
  return db('domains').where({ host, app }).delete();
}
