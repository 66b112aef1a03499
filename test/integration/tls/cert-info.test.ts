// Hand-installed certificates checked with real PEM files made by openssl.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selfSigned } from '../../_self-signed.js';
import { certInfo, checkCertPair } from '../../../src/tls/cert-info.js';

/** The certificate and key for `host`, as PEM text. */
function pair(dir: string, name: string, host: string, days = 30): { cert: string; key: string } {
  const files = selfSigned(dir, { name, cn: host, san: [`DNS:${host}`], days });
  return { cert: fs.readFileSync(files.cert, 'utf8'), key: fs.readFileSync(files.key, 'utf8') };
}

test('a matching pair for the host is accepted; a wrong key, another host, garbage or an expired one are refused', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-cert-'));
  const a = pair(dir, 'a', 'www.example.com');
  const b = pair(dir, 'b', 'www.example.com');
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
