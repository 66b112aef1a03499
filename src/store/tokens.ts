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
  /** When it stops being accepted; absent: never. */
  expiresAt?: string;
  /** When tokens:revoke revoked it (kept on record so that its use is refused as revoked, not unknown). */
  revokedAt?: string;
}

const iso = (value: unknown) => new Date(value as string).toISOString();

function fromRow(row: Record<string, string | Date | null>): TokenRow {
  return {
    name: String(row.name),
    role: String(row.role) as KeyRole,
    apps: JSON.parse(String(row.apps_json ?? '[]')) as string[],
    createdAt: iso(row.created_at),
    ...(row.expires_at ? { expiresAt: iso(row.expires_at) } : {}),
    ...(row.revoked_at ? { revokedAt: iso(row.revoked_at) } : {}),
  };
}

export async function listTokens(db: Db): Promise<TokenRow[]> {
  return (await db('tokens').orderBy('name')).map(fromRow);
}

export async function findTokenByHash(db: Db, hash: string): Promise<TokenRow | undefined> {
  const row = await db('tokens').where({ hash }).first();
  return row ? fromRow(row) : undefined;
}

export async function insertToken(db: Db, token: Omit<TokenRow, 'createdAt' | 'revokedAt'> & { hash: string }): Promise<TokenRow> {
  return db.transaction(async (trx) => {
    const existing = await trx('tokens').where({ name: token.name }).first();
    if (existing && !existing.revoked_at) throw new PaasError('PAAS_ERR_KEY_EXISTS', `a token named "${token.name}" already exists`);
    // The name of a revoked token may be given again; the revoked one is then unknown.
    if (existing) await trx('tokens').where({ name: token.name }).delete();
    await trx('tokens').insert({
      name: token.name,
      hash: token.hash,
      role: token.role,
      apps_json: JSON.stringify(token.apps),
      created_at: now(),
      expires_at: token.expiresAt ?? null,
    });
    return fromRow((await trx('tokens').where({ name: token.name }).first())!);
  });
}

/** tokens:revoke: the token is refused from now on, and said to be revoked when it is used. */
export async function revokeToken(db: Db, name: string): Promise<void> {
  const row = await db('tokens').where({ name }).first();
  if (!row) throw new PaasError('PAAS_ERR_KEY_NOT_FOUND', `no token named "${name}" (see paas tokens)`);
  if (row.revoked_at) throw new PaasError('PAAS_ERR_KEY_NOT_FOUND', `the token "${name}" was revoked already, at ${iso(row.revoked_at)}`);
  await db('tokens').where({ name }).update({ revoked_at: now() });
}
