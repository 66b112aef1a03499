// The keys table: SSH public keys allowed in, each an admin's or a collaborator's on some apps.
import type { Db } from './db.js';
import { now } from './db.js';
import { PaasError } from '../errors.js';

export type KeyRole = 'admin' | 'collaborator';

export interface KeyRow {
  name: string;
  fingerprint: string;
  publicKey: string;
  role: KeyRole;
  /** The apps a collaborator may push to and run commands for (empty for admins). */
  apps: string[];
  createdAt: string;
}

function fromRow(row: Record<string, string | Date>): KeyRow {
  return {
    name: String(row.name),
    fingerprint: String(row.fingerprint),
    publicKey: String(row.public_key),
    role: String(row.role) as KeyRole,
    apps: JSON.parse(String(row.apps_json ?? '[]')) as string[],
    createdAt: new Date(row.created_at as string).toISOString(),
  };
}

export async function listKeys(db: Db): Promise<KeyRow[]> {
  return (await db('keys').orderBy('name')).map(fromRow);
}

export async function findKeyByFingerprint(db: Db, fingerprint: string): Promise<KeyRow | undefined> {
  const row = await db('keys').where({ fingerprint }).first();
  return row ? fromRow(row) : undefined;
}

export async function insertKey(db: Db, key: Omit<KeyRow, 'createdAt'>): Promise<KeyRow> {
  if (await db('keys').where({ name: key.name }).first()) {
    throw new PaasError('PAAS_ERR_KEY_EXISTS', `a key named "${key.name}" already exists`);
  }
  const same = await findKeyByFingerprint(db, key.fingerprint);
  if (same) throw new PaasError('PAAS_ERR_KEY_EXISTS', `this key is already registered as "${same.name}"`);
  await db('keys').insert({
    name: key.name,
    fingerprint: key.fingerprint,
    public_key: key.publicKey,
    role: key.role,
    apps_json: JSON.stringify(key.apps),
    created_at: now(),
  });
  return (await findKeyByFingerprint(db, key.fingerprint))!;
}

export async function deleteKey(db: Db, name: string): Promise<void> {
  const deleted = await db('keys').where({ name }).delete();
  if (!deleted) throw new PaasError('PAAS_ERR_KEY_NOT_FOUND', `no key named "${name}"`);
}
