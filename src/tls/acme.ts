// The ACME client (acme-client): the account key in the data dir, the account in the store, and one order per
// hostname answered with HTTP-01 challenges that the router serves.
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import acme from 'acme-client';
import type { Db } from '../store/db.js';
import { findAcmeAccount, saveAcmeAccount } from '../store/certificates.js';
import { PaasError } from '../errors.js';
import type { DataPlane } from '../ports/data-plane.js';

export interface AcmeSettings {
  directoryUrl: string;
  email: string | undefined;
  /** PEM CA bundle to trust for the ACME server itself (a private CA, e.g. a test server's). */
  caFile: string | undefined;
  dataDir: string;
}

/** The account key (ECDSA P-256), made once and kept in DATA_DIR/acme/account.key (mode 0600). */
export function accountKey(dataDir: string): string {
  const file = path.join(dataDir, 'acme', 'account.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8');
}

/** Obtains a certificate for `host`; resolves with the PEM chain and its new private key. */
export async function obtainCertificate(
  db: Db,
  settings: AcmeSettings,
  host: string,
  challenges: Pick<DataPlane, 'setChallenge' | 'clearChallenge'>,
): Promise<{ certPem: string; keyPem: string }> {
  if (settings.caFile) acme.axios.defaults.httpsAgent = new https.Agent({ ca: fs.readFileSync(settings.caFile) });
  // acme-client retries failed requests itself (5 times, 5 s more each: 75 s); a renewal is retried with backoff anyway.
  Object.assign((acme.axios.defaults as unknown as { acmeSettings: object }).acmeSettings, { retryMaxAttempts: 2, retryDefaultDelay: 2 });
  const known = await findAcmeAccount(db, settings.directoryUrl);
  const client = new acme.Client({
    directoryUrl: settings.directoryUrl,
    accountKey: accountKey(settings.dataDir),
    ...(known ? { accountUrl: known.accountUrl } : {}),
    // Poll an order's status from 0.5 s on (acme-client's default starts at 5 s).
    backoffMin: 500,
    backoffMax: 5000,
    backoffAttempts: 6,
  });
  const [key, csr] = await acme.crypto.createCsr({ commonName: host, altNames: [host] }, await acme.crypto.createPrivateEcdsaKey('P-256'));
  try {
    const certPem = await client.auto({
      csr,
      ...(settings.email ? { email: settings.email } : {}),
      termsOfServiceAgreed: true,
      challengePriority: ['http-01'],
      // The CA checks the challenge itself; a check from here would need this host's own DNS view.
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => challenges.setChallenge(challenge.token, keyAuthorization),
      challengeRemoveFn: async (_authz, challenge) => challenges.clearChallenge(challenge.token),
    });
    if (!known) await saveAcmeAccount(db, settings.directoryUrl, client.getAccountUrl(), settings.email ?? null);
    return { certPem, keyPem: key.toString('utf8') };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const unreachable = err instanceof TypeError || (code !== undefined && /^E[A-Z]+$/.test(code));
    const detail = unreachable
      ? `the ACME server ${new URL(settings.directoryUrl).host} did not answer${code ? ` (${code})` : ''}`
      : (err as Error).message || String(err);
    const message = detail.replace(/\s+/g, ' ').slice(0, 500);
    throw new PaasError('PAAS_ERR_ACME', `no certificate for ${host}: ${message}`, { cause: err });
  }
}
