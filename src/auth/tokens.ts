// API tokens: made from 32 random bytes, shown once, stored as a SHA-256 hash, looked up by hash.
import crypto from 'node:crypto';
import type { Db } from '../store/db.js';
import { findTokenByHash, insertToken, type TokenRow } from '../store/tokens.js';
import { checkKeyName } from '../keys.js';
import type { Access } from './access.js';
import { callerFor, type Caller } from './caller.js';

const TOKEN = /^paas_[A-Za-z0-9_-]{43}$/;

export function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Makes a token named `name`; the returned secret is not stored anywhere. */
export async function createToken(db: Db, name: string, access: Access): Promise<{ token: string; row: TokenRow }> {
  checkKeyName(name, 'token');
  const token = 'paas_' + crypto.randomBytes(32).toString('base64url');
  const row = await insertToken(db, { name, hash: tokenHash(token), ...access });
  return { token, row };
}

/** The caller an `Authorization: Bearer` header stands for; undefined for a missing, malformed or unknown token. */
export async function callerForBearer(db: Db, header: string | undefined): Promise<Caller | undefined> {
  const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  return token ? (await callerForToken(db, token))?.caller : undefined;
}

/** The caller a token stands for, with the token's hash; undefined for a malformed or unknown token. */
export async function callerForToken(db: Db, token: string): Promise<{ caller: Caller; hash: string } | undefined> {
  if (!TOKEN.test(token)) return undefined;
  const hash = tokenHash(token);
  const caller = await callerForTokenHash(db, hash);
  return caller ? { caller, hash } : undefined;
}

/** The caller the token with hash `hash` stands for, while that token exists. */
export async function callerForTokenHash(db: Db, hash: string): Promise<Caller | undefined> {
  const row = await findTokenByHash(db, hash);
  return row ? callerFor(row) : undefined;
}
