// The TCP API over HTTPS: a token is required, the client trusts the given CA, and the caller is the token's.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { openDb } from '../../../src/store/db.js';
import { createToken } from '../../../src/auth/tokens.js';
import { revokeToken } from '../../../src/store/tokens.js';
import { selfSigned } from '../../_self-signed.js';
import { startTcpApi } from '../../../src/api/server.js';
import { httpClient } from '../../../src/api/client.js';
import type { Services } from '../../../src/services.js';

test('HTTPS with a token answers for the token; no token, a wrong one or an untrusted server is refused', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-api-'));
  const { cert, key } = selfSigned(dir, { cn: '127.0.0.1', san: ['IP:127.0.0.1'], days: 1 });
  const db = await openDb({ dataDir: dir });
  const { token } = await createToken(db, 'laptop', { role: 'collaborator', apps: ['shop'] });
  const server = await startTcpApi({ db } as unknown as Services, {
    port: 0,
    host: '127.0.0.1',
    tls: { cert: fs.readFileSync(cert), key: fs.readFileSync(key) },
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const ca = fs.readFileSync(cert);
    t.deepEqual(await httpClient({ url, token, ca }).call('GET', '/whoami'), { name: 'laptop', role: 'collaborator', apps: ['shop'] });
    await t.throwsAsync(httpClient({ url, token: 'paas_' + 'A'.repeat(43), ca }).call('GET', '/whoami'), {
      message: /that API token is not one of this server/,
    });
    await t.throwsAsync(httpClient({ url, token: 'not-a-token', ca }).call('GET', '/apps'), { message: /that API token is not one of this server/ });
    await t.throwsAsync(httpClient({ url, token, ca }).call('GET', '/keys'), { message: /needs an admin/ });
    const { token: brief } = await createToken(db, 'brief', { role: 'admin', apps: [] }, 3600);
    t.like(await httpClient({ url, token: brief, ca }).call('GET', '/whoami'), { name: 'brief' }, 'accepted until it expires');
    await db('tokens').where({ name: 'brief' }).update({ expires_at: '2026-01-02T03:04:05.000Z' });
    await t.throwsAsync(httpClient({ url, token: brief, ca }).call('GET', '/whoami'), {
      message: /that API token \(brief\) expired at 2026-01-02T03:04:05\.000Z: make a new one with paas tokens:create NAME --expires-in 30d/,
    });
    await revokeToken(db, 'laptop');
    await t.throwsAsync(httpClient({ url, token, ca }).call('GET', '/whoami'), { message: /that API token \(laptop\) was revoked at / });
    await t.throwsAsync(httpClient({ url, token }).call('GET', '/whoami'), { message: /cannot reach the paas daemon.*self.signed/i });
  } finally {
    server.close();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
