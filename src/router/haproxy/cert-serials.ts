// Pure: which certificates a running HAProxy holds in memory differ from the files the daemon wrote. A certificate
// replaced at runtime (set/commit ssl cert) is not re-read from its file until a reload, so a daemon that adopts a
// running HAProxy compares serials: one killed between installing a certificate and recording it left the router
// serving a certificate the store does not name.
import { X509Certificate } from 'node:crypto';

/** The serial of the first certificate in a PEM bundle (certificate and key), upper-case hex; undefined if none. */
export function pemSerial(pem: string): string | undefined {
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (!block) return undefined;
  try {
    return normalSerial(new X509Certificate(block).serialNumber);
  } catch {
    return undefined;
  }
}

/** The serial in the Runtime API's `show ssl cert FILE` answer, upper-case hex; undefined if none. */
export function shownSerial(answer: string): string | undefined {
  const serial = /^Serial:\s*([0-9A-Fa-f]+)\s*$/m.exec(answer)?.[1];
  return serial ? normalSerial(serial) : undefined;
}

const normalSerial = (hex: string) => hex.toUpperCase().replace(/^0+(?=.)/, '');
