import test from 'ava';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pemSerial, shownSerial } from '../../../../src/router/haproxy/cert-serials.js';

/** A self-signed certificate and its key (openssl, no shell), with the serial asked for. */
function selfSigned(serial: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serial-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=a.test',
        '-days',
        '1',
        '-set_serial',
        `0x${serial}`,
        '-keyout',
        path.join(dir, 'k'),
        '-out',
        path.join(dir, 'c'),
      ],
      { stdio: 'ignore' },
    );
    return fs.readFileSync(path.join(dir, 'c'), 'utf8') + fs.readFileSync(path.join(dir, 'k'), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the serial of a certificate-and-key bundle is read from its certificate, as HAProxy shows it', (t) => {
  const pem = selfSigned('0abc12');
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
