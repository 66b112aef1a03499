// The tokens table: API tokens for remote use, stored as SHA-256 hashes (the token itself is shown once).
import type { Db } from './db.js';
import { now } from './db.js';
import { PaasError } from '../errors.js';
import type { KeyRole } from './keys.js';

export interface TokenRow {
  name: string;
  role: KeyRole;
  apps: string[];
  createdAt: string;
}

function fromRow(row: Record<string, string | Date>): TokenRow {
  return {
    name: String(row.name),
    role: String(row.role) as KeyRole,
    apps: JSON.parse(String(row.apps_json ?? '[]')) as string[],
    createdAt: new Date(row.created_at as string).toISOString(),
  };
}

export async function listTokens(db: Db): Promise<TokenRow[]> {
  return (await db('tokens').orderBy('name')).map(fromRow);
}

export async function findTokenByHash(db: Db, hash: string): Promise<TokenRow | undefined> {
  const row = await db('tokens').where({ hash }).first();
  return row ? fromRow(row) : undefined;
}

export async function insertToken(db: Db, token: Omit<TokenRow, 'createdAt'> & { hash: string }): Promise<TokenRow> {
  if (await db('tokens').where({ name: token.name }).first()) {
    throw new PaasError('PAAS_ERR_KEY_EXISTS', `a token named "${token.name}" already exists`);
  }
  await db('tokens').insert({ name: token.name, hash: token.hash, role: token.role, apps_json: JSON.stringify(token.apps), created_at: now() });
  return fromRow((await db('tokens').where({ name: token.name }).first())!);
}

export async function deleteToken(db: Db, name: string): Promise<void> {
  const deleted = await db('tokens').where({ name }).delete();
  if (!deleted) throw new PaasError('PAAS_ERR_KEY_NOT_FOUND', `no token named "${name}"`);
}
