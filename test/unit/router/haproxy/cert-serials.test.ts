import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pemSerial, shownSerial } from '../../../../src/router/haproxy/cert-serials.js';
import { selfSigned } from '../../../_self-signed.js';

/** A self-signed certificate and its key, as one PEM bundle, with the serial asked for. */
function bundle(serial: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serial-'));
  try {
    const { cert, key } = selfSigned(dir, { cn: 'a.test', san: ['DNS:a.test'], days: 1, serial, rsa: true });
    return fs.readFileSync(cert, 'utf8') + fs.readFileSync(key, 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the serial of a certificate-and-key bundle is read from its certificate, as HAProxy shows it', (t) => {
  const pem = bundle('0abc12');
  t.is(pemSerial(pem), 'ABC12');
  const answer = 'Filename: /var/lib/paas/haproxy/certs/a.test.pem\nStatus: Used\nSerial: 0ABC12\nnotBefore: Dec  7 20:00:00 2026 GMT\n';
  t.is(shownSerial(answer), pemSerial(pem), 'the same certificate compares equal whatever the leading zeros');
  t.not(shownSerial(answer.replace('0ABC12', '0ABC13')), pemSerial(pem));
});

test('no certificate, or an answer without a serial, gives no serial (and so counts as different)', (t) => {
  t.is(pemSerial('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n'), undefined);
  t.is(pemSerial('-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n'), undefined);
  t.is(shownSerial("Can't display the certificate: Not found or the certificate is a bundle!\n"), undefined);
});
