// The backing_services and backing_links tables: each service's kind, version and password, and the apps it is
// linked to under which config var.
import type { Db } from './db.js';
import { now } from './db.js';
import { PaasError } from '../errors.js';
import type { ServiceKindName } from '../backing/kinds.js';

export interface ServiceRow {
  name: string;
  kind: ServiceKindName;
  version: string;
  /** Which data volume of its version it runs on (0 first; each restore moves to the next). */
  generation: number;
  password: string;
  createdAt: string;
  /** Scheduled backups: one every so many seconds, the newest `keep` kept; undefined when off. */
  backupSchedule?: BackupSchedule;
  /** Published on the host (`services:expose`); undefined: reachable from linked apps only. */
  exposed?: { host: string; port: number };
  /** Still being created: its server has not answered yet (a daemon start finding it so removes it). */
  creating?: boolean;
}

export interface BackupSchedule {
  everySeconds: number;
  keep: number;
}

export interface LinkRow {
  service: string;
  app: string;
  envVar: string;
  createdAt: string;
}

const serviceOf = (row: Record<string, string | number | null>): ServiceRow => ({
  name: String(row.name),
  kind: row.kind as ServiceKindName,
  version: String(row.version),
  generation: Number(row.data_generation ?? 0),
  password: String(row.password),
  createdAt: String(row.created_at),
  ...(row.expose_port ? { exposed: { host: String(row.expose_host), port: Number(row.expose_port) } } : {}),
  ...(row.creating ? { creating: true } : {}),
  ...(row.backup_every_seconds ? { backupSchedule: { everySeconds: Number(row.backup_every_seconds), keep: Number(row.backup_keep) } } : {}),
});

const linkOf = (row: Record<string, string>): LinkRow => ({ service: row.service!, app: row.app!, envVar: row.env_var!, createdAt: row.created_at! });

export async function listServices(db: Db): Promise<ServiceRow[]> {
  return (await db('backing_services').orderBy('name')).map(serviceOf);
}

export async function findService(db: Db, name: string): Promise<ServiceRow | undefined> {
  const row = await db('backing_services').where({ name }).first();
  return row ? serviceOf(row) : undefined;
}

export async function getService(db: Db, name: string): Promise<ServiceRow> {
  const row = await findService(db, name);
  if (!row) throw new PaasError('PAAS_ERR_NOT_FOUND', `no service named "${name}" (see paas services)`);
  return row;
}

/** Records a new service as `creating` (see markServiceCreated). */
export async function insertService(db: Db, row: Omit<ServiceRow, 'createdAt' | 'generation' | 'creating'>): Promise<ServiceRow> {
  try {
    await db('backing_services').insert({ name: row.name, kind: row.kind, version: row.version, password: row.password, created_at: now(), creating: true });
  } catch (err) {
    if (/UNIQUE|duplicate key/i.test(String((err as Error).message)))
      throw new PaasError('PAAS_ERR_NAME_CONFLICT', `a service named "${row.name}" exists already: pick another name`);
    throw err;
  }
  return getService(db, row.name);
}

/** The service's server answered: it is created. */
export async function markServiceCreated(db: Db, name: string): Promise<void> {
  await db('backing_services').where({ name }).update({ creating: false });
}

export async function setBackupSchedule(db: Db, name: string, schedule: BackupSchedule | undefined): Promise<void> {
  await db('backing_services')
    .where({ name })
    .update({ backup_every_seconds: schedule?.everySeconds ?? null, backup_keep: schedule?.keep ?? null });
}

export async function setExposed(db: Db, name: string, exposed: { host: string; port: number } | undefined): Promise<void> {
  await db('backing_services')
    .where({ name })
    .update({ expose_host: exposed?.host ?? null, expose_port: exposed?.port ?? null });
}

/** The version and data generation a service runs, recorded once an upgrade or a restore has switched it over. */
export async function setServiceData(db: Db, name: string, data: { version: string; generation: number }): Promise<void> {
  await db('backing_services').where({ name }).update({ version: data.version, data_generation: data.generation });
}

export async function deleteService(db: Db, name: string): Promise<void> {
  await db('backing_services').where({ name }).delete();
}

/** Links of a service, or of an app. */
export async function listLinks(db: Db, where: { service: string } | { app: string }): Promise<LinkRow[]> {
  return (await db('backing_links').where(where).orderBy(['app', 'service'])).map(linkOf);
}

export async function insertLink(db: Db, link: Omit<LinkRow, 'createdAt'>): Promise<void> {
  await db('backing_links').insert({ service: link.service, app: link.app, env_var: link.envVar, created_at: now() });
}

export async function deleteLink(db: Db, service: string, app: string): Promise<void> {
  await db('backing_links').where({ service, app }).delete();
}
