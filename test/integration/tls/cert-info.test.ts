// Hand-installed certificates checked with real PEM files made by openssl.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { certInfo, checkCertPair } from '../../../src/tls/cert-info.js';

function selfSigned(dir: string, name: string, host: string, days = '30'): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}.key`);
  const made = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    `/CN=${host}`,
    '-addext',
    `subjectAltName=DNS:${host}`,
    '-days',
    days,
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  if (made.status !== 0) throw new Error(String(made.stderr));
  return { cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8') };
}

test('a matching pair for the host is accepted; a wrong key, another host, garbage or an expired one are refused', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-cert-'));
  const a = selfSigned(dir, 'a', 'www.example.com');
  const b = selfSigned(dir, 'b', 'www.example.com');
  const info = checkCertPair(a.cert, a.key, 'www.example.com');
  t.deepEqual(info.hosts, ['www.example.com']);
  t.is(info.issuer, 'www.example.com');
  t.true(info.notAfter.getTime() > Date.now());
  t.is(checkCertPair(a.cert, a.key, 'www.example.com').serial, certInfo(a.cert).serial);
  t.throws(() => checkCertPair(a.cert, b.key, 'www.example.com'), { message: 'the key does not match the certificate' });
  t.throws(() => checkCertPair(a.cert, a.key, 'shop.example.com'), { message: /does not cover shop\.example\.com \(it covers: www\.example\.com\)/ });
  t.throws(() => checkCertPair('hello', a.key, 'www.example.com'), { message: /not a PEM certificate/ });
  t.throws(() => checkCertPair(a.cert, 'not a key', 'www.example.com'), { message: /the key cannot be read/ });
  t.throws(() => checkCertPair(a.cert, a.key, 'www.example.com', new Date(Date.now() + 365 * 86_400_000)), { message: /expired/ });
  fs.rmSync(dir, { recursive: true, force: true });
});
