// Automatic HTTPS against a real ACME server (pebble on loopback, with a DNS server for the test names):
// certificates for an app's hostnames, SNI, redirects, renewal close to expiry, and the old certificate serving
// while a renewal fails.
import test from 'ava';
import fs from 'node:fs';
import https from 'node:https';
import http2 from 'node:http2';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import knex from 'knex';
import { fixtureRepo, removeApps, startDaemon, uniqueName, waitUntilGone, type Daemon } from './_daemon.js';
import { preparePebble, startDns, type Pebble } from './_acme.js';
import { selfSigned } from '../_self-signed.js';

let daemon: Daemon;
let pebble: Pebble;
let dns: { port: number; close(): Promise<void> };
let env: Record<string, string>;
const app = uniqueName('tls');
const DOMAIN = 'paas.test';
const host = `${app}.${DOMAIN}`;

interface Served {
  status: number;
  body: string;
  serial: string;
  issuer: string;
}

/** GET over HTTPS for `name` (SNI and Host), trusting only `ca`. */
function httpsGet(name: string, ca: string, urlPath = '/'): Promise<Served> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port: daemon.httpsPort, servername: name, headers: { host: name }, path: urlPath, ca, agent: false }, (res) => {
      const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, serial: cert.serialNumber, issuer: String(cert.issuer?.CN ?? '') }));
    });
    req.on('error', reject);
  });
}

/** GET over HTTP/2 (ALPN h2 only) for `name`, trusting only `ca`: the status and body. */
function h2Get(name: string, ca: string, urlPath = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const client = http2.connect(`https://127.0.0.1:${daemon.httpsPort}`, { servername: name, ca, ALPNProtocols: ['h2'] });
    client.on('error', reject);
    const req = client.request({ ':path': urlPath, ':authority': name });
    let status = 0;
    let body = '';
    req.on('response', (headers) => (status = Number(headers[':status'])));
    req.on('data', (d) => (body += d));
    req.on('end', () => (client.close(), resolve({ status, body })));
    req.on('error', reject);
  });
}

interface CertsJson {
  auto: boolean;
  certificates: { host: string; status: string; issuer: string | null; notAfter: string | null; error: string | null; errorAt: string | null }[];
}

const certs = async () => JSON.parse((await daemon.paas(['certs', app, '--json'])).stdout) as CertsJson;
const certOf = async (name: string) => (await certs()).certificates.find((c) => c.host === name);

async function until<T>(what: string, probe: () => Promise<T | undefined>, seconds = 90): Promise<T> {
  for (let i = 0; i < seconds * 4; i++) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out waiting for ${what}; daemon log:\n${daemon
      .log()
      .split('\n')
      .filter((l) => l.includes('certs'))
      .slice(-20)
      .join('\n')}`,
  );
}

test.before(async () => {
  dns = await startDns([`.${DOMAIN}`]);
  pebble = await preparePebble(dns.port);
  env = {
    PAAS_CERTS_AUTO: '1',
    PAAS_DOMAIN: DOMAIN,
    PAAS_ACME_DIRECTORY: pebble.directoryUrl,
    PAAS_ACME_CA: pebble.tlsCaFile,
    PAAS_ACME_EMAIL: 'ops@example.com',
    PAAS_CERTS_RETRY_DELAY: '1',
  };
  daemon = await startDaemon({ env });
  await pebble.start(daemon.httpPort);
  const push = await daemon.push(await fixtureRepo('ops-app'), app);
  if (push.code !== 0) throw new Error(push.output);
});

test.after.always(async () => {
  await daemon?.stop();
  await pebble?.stop();
  await dns?.close();
  await removeApps([app]);
});

test.serial('certs:auto gets a certificate from the ACME server; a client trusting only its root gets the app over HTTPS', async (t) => {
  const auto = await daemon.paas(['certs:auto', app]);
  t.is(auto.code, 0, auto.output + daemon.log());
  t.regex(auto.stdout, new RegExp(`-----> HTTPS ready for ${host}`));
  const root = await pebble.root();
  const served = await httpsGet(host, root, '/cgi-bin/marker');
  t.is(served.status, 200);
  t.is(served.body.trim(), 'first');
  // HAProxy offers HTTP/2 on the HTTPS port; the in-process router (--router node) HTTP/1.1 only.
  if (process.env.PAAS_E2E_ROUTER !== 'node') {
    const overH2 = await h2Get(host, root, '/cgi-bin/marker');
    t.deepEqual({ status: overH2.status, body: overH2.body.trim() }, { status: 200, body: 'first' }, 'an HTTP/2 client gets the app too');
  }
  const listed = await certOf(host);
  t.is(listed?.status, 'valid');
  t.regex(listed?.issuer ?? '', /Pebble/);
  t.true(fs.statSync(path.join(daemon.dataDir, 'acme', 'account.key')).mode % 0o1000 === 0o600, 'the account key is private');
  const table = await daemon.paas(['certs', app]);
  t.regex(table.stdout, new RegExp(`${host.replace(/\./g, '\\.')}\\s+valid\\s+acme\\s+Pebble`));
});

test.serial('with PAAS_CERTS_AUTO=1 a new app gets its certificate without asking', async (t) => {
  const second = uniqueName('tls2');
  const push = await daemon.push(await fixtureRepo('ops-app'), second);
  t.is(push.code, 0, push.output);
  const root = await pebble.root();
  const served = await until('the new app to serve HTTPS', async () => {
    const res = await httpsGet(`${second}.${DOMAIN}`, root, '/cgi-bin/marker');
    return res.status === 200 ? res : undefined;
  });
  t.regex(served.issuer, /Pebble/);
  t.is((await daemon.paas(['apps:destroy', second, '--confirm', second])).code, 0);
  await removeApps([second]);
});

test.serial('a hostname the CA cannot validate: a clear error in certs, and the app keeps serving it over HTTP', async (t) => {
  const bad = 'nowhere.invalid';
  t.is((await daemon.paas(['domains:add', app, bad])).code, 0);
  const failed = await until('the failure to show', async () => {
    const c = await certOf(bad);
    return c?.status === 'failed' ? c : undefined;
  });
  t.regex(failed.error ?? '', /no certificate for nowhere\.invalid: .*(could not resolve|NXDOMAIN|DNS)/i);
  t.is((await daemon.getHost(bad, '/cgi-bin/marker')).body.trim(), 'first');
  const table = await daemon.paas(['certs', app]);
  t.regex(table.stdout, /^ ! {5}nowhere\.invalid \(.+\): no certificate for nowhere\.invalid/m);
  t.is((await certOf(host))?.status, 'valid', 'the other hostname is untouched');
  const again = await daemon.paas(['certs:auto', app]);
  t.is(again.code, 1);
  t.regex(again.stdout, /^ ! {5}no certificate for nowhere\.invalid/m);
  t.is((await daemon.paas(['domains:remove', app, bad])).code, 0);
});

test.serial('with redirects on, plain HTTP goes to HTTPS for hostnames that have a certificate', async (t) => {
  t.is((await daemon.paas(['certs:redirect', app, 'on'])).code, 0);
  const plain = await new Promise<{ status: number; location: string }>((resolve, reject) => {
    import('node:http').then((http) =>
      http
        .get({ host: '127.0.0.1', port: daemon.httpPort, path: '/x?y=1', headers: { host }, agent: false }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, location: String(res.headers.location) });
        })
        .on('error', reject),
    );
  });
  t.deepEqual(plain, { status: 301, location: `https://${host}:${daemon.httpsPort}/x?y=1` });
  t.is((await daemon.paas(['certs:redirect', app, 'off'])).code, 0);
  t.is((await daemon.get(`${app}.${DOMAIN.split('.')[0]}`, '/')).status, 404, 'unknown hosts stay unknown');
});

test.serial('certs:add refuses a malformed certificate and a key that does not match', async (t) => {
  const dir = fs.mkdtempSync(path.join(daemon.dataDir, 'manual-'));
  const make = (name: string) => selfSigned(dir, { name, cn: host, san: [`DNS:${host}`] });
  make('a');
  make('b');
  fs.writeFileSync(path.join(dir, 'junk.pem'), '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n');
  const junk = await daemon.paas(['certs:add', app, path.join(dir, 'junk.pem'), path.join(dir, 'a.key')]);
  t.is(junk.code, 2);
  t.regex(junk.stderr, /^ ! {5}the certificate cannot be read/);
  const mismatch = await daemon.paas(['certs:add', app, path.join(dir, 'a.pem'), path.join(dir, 'b.key')]);
  t.is(mismatch.code, 2);
  t.is(mismatch.stderr, ' !     the key does not match the certificate\n');
  t.is((await certOf(host))?.status, 'valid', 'the ACME certificate still serves');
  const root = await pebble.root();
  t.regex((await httpsGet(host, root)).issuer, /Pebble/);
});

/** The serial of the certificate the store holds for `name`, read from the daemon's own file. */
async function storedSerial(name: string): Promise<string> {
  const store = knex({
    client: 'better-sqlite3',
    connection: { filename: path.join(daemon.dataDir, 'paas.sqlite3'), options: { readonly: true } },
    useNullAsDefault: true,
  });
  try {
    const row = (await store('certificates').where({ host: name }).first('cert_pem')) as { cert_pem: string };
    return new X509Certificate(row.cert_pem).serialNumber;
  } finally {
    await store.destroy();
  }
}

const sameSerial = (a: string, b: string) => a.toUpperCase().replace(/^0+/, '') === b.toUpperCase().replace(/^0+/, '');

/** HAProxy outlives the daemon; the node router (--router node) is the daemon's own and stops with it. */
const routerOutlivesDaemon = process.env.PAAS_E2E_ROUTER !== 'node';

test.serial(
  'a kill between installing a renewed certificate and recording it: the next daemon serves the one on record (and HAProxy answers HTTPS throughout)',
  async (t) => {
    const root = await pebble.root();
    const before = await httpsGet(host, root);
    t.true(sameSerial(before.serial, await storedSerial(host)), 'the router serves the stored certificate');
    await daemon.stop();
    let running = routerOutlivesDaemon;
    const counts = { sent: 0, failed: [] as string[] };
    const deadline = Date.now() + 5 * 60_000;
    const load = (async () => {
      while (running && Date.now() < deadline) {
        const r = await httpsGet(host, root).catch((err: Error) => ({ status: 0, body: err.message, serial: '' }));
        counts.sent++;
        if (r.status !== 200) counts.failed.push(`${r.status} ${r.body.slice(0, 60)}`);
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    try {
      daemon = await startDaemon({
        env: { ...env, PAAS_CERTS_RENEW_DAYS: '100000', PAAS_CERTS_CHECK_INTERVAL: '1', PAAS_FAULT_POINT: 'cert-installed' },
        reuse: daemon,
        registerKey: false,
      });
      const died = await waitUntilGone(daemon);
      const orphan = routerOutlivesDaemon ? await httpsGet(host, root).catch(() => undefined) : undefined;
      const storedThen = await storedSerial(host);
      // Started again whatever the checks below say: the next test needs a daemon.
      daemon = await startDaemon({ env, reuse: daemon, registerKey: false });
      t.true(died, 'the renewal reached the point between the router and the store');
      if (routerOutlivesDaemon) t.false(sameSerial(orphan?.serial ?? '', before.serial), 'HAProxy serves the new certificate the store does not name');
      t.true(sameSerial(before.serial, storedThen), 'the store still names the old one');
      const served = await httpsGet(host, root);
      t.true(sameSerial(served.serial, await storedSerial(host)), 'the next daemon serves the certificate on record');
      t.true(sameSerial(served.serial, before.serial), 'which is the old one, still valid');
      t.is((await certOf(host))?.status, 'valid');
    } finally {
      running = false;
      await load;
    }
    if (!routerOutlivesDaemon) return;
    t.log(`HTTPS requests through the kill and the restart: ${counts.sent} sent, ${counts.failed.length} failed`);
    t.true(counts.sent > 10);
    t.deepEqual(counts.failed, [], 'no request failed');
  },
);

test.serial('renewal replaces a certificate close to expiry; while renewals fail the current one keeps serving', async (t) => {
  const root = await pebble.root();
  const before = await httpsGet(host, root);
  await daemon.stop();
  // Every certificate now counts as close to expiry, and the renewal check runs every second.
  daemon = await startDaemon({ env: { ...env, PAAS_CERTS_RENEW_DAYS: '100000', PAAS_CERTS_CHECK_INTERVAL: '1' }, reuse: daemon, registerKey: false });
  const started = Date.now();
  const renewed = await until('a renewed certificate', async () => {
    const served = await httpsGet(host, root);
    return served.serial !== before.serial ? served : undefined;
  });
  t.is(renewed.status, 200);
  t.regex(daemon.log(), new RegExp(`event=certs.renewed app=${app} host=${host.replace(/\./g, '\\.')}`));

  t.log(`renewed after ${Date.now() - started} ms`);
  await pebble.stop();
  const stoppedAt = new Date().toISOString();
  // An order under way when the CA went away fails only once the ACME client stops polling it (up to a minute).
  const failing = await until(
    'a failed renewal',
    async () => {
      const c = await certOf(host);
      return c?.error && c.errorAt && c.errorAt >= stoppedAt ? c : undefined;
    },
    150,
  );
  t.log(`failure recorded after ${Date.now() - Date.parse(stoppedAt)} ms`);
  t.regex(failing.error ?? '', new RegExp(`no certificate for ${host.replace(/\./g, '\\.')}: the ACME server 127\\.0\\.0\\.1:\\d+ did not answer`));
  t.is(failing.status, 'expiring', 'it still has its certificate');
  const still = await httpsGet(host, root);
  t.is(still.status, 200);
  t.is(still.serial, (await httpsGet(host, root)).serial);
  t.regex(still.issuer, /Pebble/, 'the last good certificate keeps serving');
});
