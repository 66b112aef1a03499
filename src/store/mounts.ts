// The mounts table: an app's persistent volumes and where its containers see them.
import type { Db } from './db.js';
import { now } from './db.js';
import { volumeName } from '../docker/names.js';

export interface MountRow {
  app: string;
  name: string;
  path: string;
  /** The Docker volume: paas.<app>.<name> (paas-<app>-<name> for mounts made before names were unambiguous). */
  volume: string;
  createdAt: string;
}

function fromRow(row: Record<string, string | Date>): MountRow {
  const app = String(row.app);
  const name = String(row.name);
  return {
    app,
    name,
    path: String(row.path),
    volume: row.volume ? String(row.volume) : volumeName(app, name),
    createdAt: new Date(row.created_at as string).toISOString(),
  };
}

export async function listMounts(db: Db, app: string): Promise<MountRow[]> {
  return (await db('mounts').where({ app }).orderBy('name')).map(fromRow);
}

export async function insertMount(db: Db, app: string, name: string, path: string): Promise<MountRow> {
  await db('mounts').insert({ app, name, path, volume: volumeName(app, name), created_at: now() });
  return (await listMounts(db, app)).find((m) => m.name === name)!;
}

export async function deleteMount(db: Db, app: string, name: string): Promise<number> {
  return db('mounts').where({ app, name }).delete();
}
