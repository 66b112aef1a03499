// The certificates table: one row per hostname with its certificate and key (ACME-issued or installed by hand),
// and the last failure to obtain or renew it.
import type { Db } from './db.js';
import { now } from './db.js';

export type CertSource = 'acme' | 'manual';

export interface CertRow {
  host: string;
  app: string;
  source: CertSource;
  certPem: string | null;
  keyPem: string | null;
  issuer: string | null;
  notAfter: string | null;
  error: string | null;
  errorAt: string | null;
  updatedAt: string;
}

const iso = (value: unknown) => (value == null ? null : new Date(value as string).toISOString());

function fromRow(row: Record<string, unknown>): CertRow {
  return {
    host: String(row.host),
    app: String(row.app),
    source: row.source as CertSource,
    certPem: (row.cert_pem as string | null) ?? null,
    keyPem: (row.key_pem as string | null) ?? null,
    issuer: (row.issuer as string | null) ?? null,
    notAfter: iso(row.not_after),
    error: (row.error as string | null) ?? null,
    errorAt: iso(row.error_at),
    updatedAt: iso(row.updated_at)!,
  };
}

/** Certificates of `app`, or of every app. */
export async function listCerts(db: Db, app?: string): Promise<CertRow[]> {
  const query = db('certificates').orderBy('host');
  return (await (app ? query.where({ app }) : query)).map(fromRow);
}

export async function findCert(db: Db, host: string): Promise<CertRow | undefined> {
  const row = await db('certificates').where({ host }).first();
  return row ? fromRow(row) : undefined;
}

/** Stores a certificate for `host` (replacing the one before) and clears its last error. */
export async function saveCert(
  db: Db,
  cert: { host: string; app: string; source: CertSource; certPem: string; keyPem: string; issuer: string; notAfter: Date },
): Promise<void> {
  const row = {
    app: cert.app,
    source: cert.source,
    cert_pem: cert.certPem,
    key_pem: cert.keyPem,
    issuer: cert.issuer,
    not_after: cert.notAfter.toISOString(),
    error: null,
    error_at: null,
    updated_at: now(),
  };
  await db('certificates')
    .insert({ host: cert.host, ...row })
    .onConflict('host')
    .merge(row);
}

/** Records a failure for `host`; a certificate it already has stays (and keeps serving). */
export async function saveCertError(db: Db, host: string, app: string, error: string): Promise<void> {
  const row = { error: error.slice(0, 2000), error_at: now(), updated_at: now() };
  await db('certificates')
    .insert({ host, app, source: 'acme', ...row })
    .onConflict('host')
    .merge(row);
}

export async function deleteCert(db: Db, host: string, app: string): Promise<number> {
  return db('certificates').where({ host, app }).delete();
}

export async function findAcmeAccount(db: Db, directoryUrl: string): Promise<{ accountUrl: string; email: string | null } | undefined> {
  const row = await db('acme_accounts').where({ directory_url: directoryUrl }).first();
  return row ? { accountUrl: String(row.account_url), email: row.email ?? null } : undefined;
}

export async function saveAcmeAccount(db: Db, directoryUrl: string, accountUrl: string, email: string | null): Promise<void> {
  const row = { account_url: accountUrl, email, created_at: now() };
  await db('acme_accounts')
    .insert({ directory_url: directoryUrl, ...row })
    .onConflict('directory_url')
    .merge(row);
}
