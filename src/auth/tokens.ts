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

/** Makes a token named `name`, accepted for `expiresIn` seconds when given; the returned secret is not stored anywhere. */
export async function createToken(db: Db, name: string, access: Access, expiresIn?: number): Promise<{ token: string; row: TokenRow }> {
  checkKeyName(name, 'token');
  const token = 'paas_' + crypto.randomBytes(32).toString('base64url');
  const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000).toISOString() : undefined;
  const row = await insertToken(db, { name, hash: tokenHash(token), ...access, ...(expiresAt ? { expiresAt } : {}) });
  return { token, row };
}

/** Pure: why the token on record as `row` is refused at `at`, in one line that says what to do; undefined when it is accepted. */
export function tokenRefusal(row: TokenRow | undefined, at: Date): string | undefined {
  if (!row) return 'that API token is not one of this server: make one with paas tokens:create NAME on the server';
  if (row.revokedAt) return `that API token (${row.name}) was revoked at ${row.revokedAt}: ask an admin for a new one (paas tokens:create NAME on the server)`;
  if (row.expiresAt && Date.parse(row.expiresAt) <= at.getTime())
    return `that API token (${row.name}) expired at ${row.expiresAt}: make a new one with paas tokens:create NAME --expires-in 30d on the server`;
  return undefined;
}

/** The token an `Authorization: Bearer` header carries, if any. */
const bearerToken = (header: string | undefined) => /^Bearer (\S+)$/.exec(header ?? '')?.[1];

/** Why `token` is refused, in one line (see tokenRefusal). */
export async function refusalOfToken(db: Db, token: string): Promise<string> {
  const row = TOKEN.test(token) ? await findTokenByHash(db, tokenHash(token)) : undefined;
  return tokenRefusal(row, new Date()) ?? 'that API token is not accepted';
}

/** Why the token an `Authorization: Bearer` header carries is refused; undefined when the header is missing. */
export async function bearerRefusal(db: Db, header: string | undefined): Promise<string | undefined> {
  return header ? refusalOfToken(db, bearerToken(header) ?? '') : undefined;
}

/** The caller an `Authorization: Bearer` header stands for; undefined for a missing, malformed, unknown, revoked or expired token. */
export async function callerForBearer(db: Db, header: string | undefined): Promise<Caller | undefined> {
  const token = bearerToken(header);
  return token ? (await callerForToken(db, token))?.caller : undefined;
}

/** The caller a token stands for, with the token's hash; undefined for a malformed or unknown token. */
export async function callerForToken(db: Db, token: string): Promise<{ caller: Caller; hash: string } | undefined> {
  if (!TOKEN.test(token)) return undefined;
  const hash = tokenHash(token);
  const caller = await callerForTokenHash(db, hash);
  return caller ? { caller, hash } : undefined;
}

/** The caller the token with hash `hash` stands for, while that token exists and is neither revoked nor expired. */
export async function callerForTokenHash(db: Db, hash: string): Promise<Caller | undefined> {
  const row = await findTokenByHash(db, hash);
  return row && !tokenRefusal(row, new Date()) ? callerFor(row) : undefined;
}
