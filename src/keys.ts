// SSH public keys: parsing what a user pastes, fingerprints, registering.
import crypto from 'node:crypto';
import ssh2 from 'ssh2';
import type { Db } from './store/db.js';
import { insertKey, type KeyRow } from './store/keys.js';
import { PaasError } from './errors.js';
import type { Access } from './auth/access.js';

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
const MAX_KEY_TEXT = 16 * 1024;

/** OpenSSH-style fingerprint of a public key blob: SHA256:<base64 without padding>. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** Parses one OpenSSH public key line; throws PAAS_ERR_INVALID_KEY for anything else (private keys included). */
export function parsePublicKey(text: string): { publicKey: string; fingerprint: string; type: string } {
  const line = text.trim();
  if (line.length === 0 || line.length > MAX_KEY_TEXT || line.includes('\n') || line.includes('PRIVATE KEY')) {
    throw new PaasError('PAAS_ERR_INVALID_KEY', 'expected one OpenSSH public key line, such as the content of ~/.ssh/id_ed25519.pub');
  }
  const parsed = ssh2.utils.parseKey(line);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error || key.isPrivateKey()) {
    throw new PaasError('PAAS_ERR_INVALID_KEY', `not an OpenSSH public key${key instanceof Error ? `: ${key.message}` : ''}`);
  }
  const blob = key.getPublicSSH();
  return { publicKey: `${key.type} ${blob.toString('base64')}`, fingerprint: fingerprint(blob), type: key.type };
}

/** Throws unless `name` may name a key or token. */
export function checkKeyName(name: string, what = 'key'): string {
  if (!KEY_NAME.test(name)) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `invalid ${what} name ${JSON.stringify(name.slice(0, 100))}: use letters, digits, ".", "_", "@" and "-"`);
  }
  return name;
}

/** Registers a key under `name`: an admin's, or a collaborator's on `access.apps` (already checked to exist). */
export async function addKey(db: Db, name: string, text: string, access: Access = { role: 'admin', apps: [] }): Promise<KeyRow> {
  checkKeyName(name);
  const key = parsePublicKey(text);
  return insertKey(db, { name, publicKey: key.publicKey, fingerprint: key.fingerprint, ...access });
}
