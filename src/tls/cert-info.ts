// Pure (node:crypto only): what a PEM certificate says, and whether a certificate and key belong together.
import crypto from 'node:crypto';
import { PaasError } from '../errors.js';
import type { CertRow } from '../store/certificates.js';

export interface CertInfo {
  /** DNS names the certificate covers (subjectAltName, else the CN). */
  hosts: string[];
  issuer: string;
  notAfter: Date;
  serial: string;
}

const MAX_PEM = 64 * 1024;

function parseChain(certPem: string): crypto.X509Certificate {
  if (certPem.length > MAX_PEM || !certPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new PaasError('PAAS_ERR_INVALID_CERT', 'not a PEM certificate (expected -----BEGIN CERTIFICATE-----)');
  }
  try {
    return new crypto.X509Certificate(certPem);
  } catch (err) {
    throw new PaasError('PAAS_ERR_INVALID_CERT', `the certificate cannot be read: ${(err as Error).message}`);
  }
}

/** Reads the first certificate of a PEM chain. */
export function certInfo(certPem: string): CertInfo {
  return infoOf(parseChain(certPem));
}

function infoOf(cert: crypto.X509Certificate): CertInfo {
  const sans = (cert.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4).toLowerCase());
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
  const issuer = /(?:^|\n)CN=([^\n]+)/.exec(cert.issuer)?.[1] ?? cert.issuer.replace(/\n/g, ', ');
  return { hosts: sans.length ? sans : cn ? [cn.toLowerCase()] : [], issuer, notAfter: new Date(cert.validTo), serial: cert.serialNumber };
}

/** Checks a hand-installed pair: a readable chain, a matching private key, covering `host`, not expired. */
export function checkCertPair(certPem: string, keyPem: string, host: string, now = new Date()): CertInfo {
  const cert = parseChain(certPem);
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(keyPem);
  } catch (err) {
    throw new PaasError('PAAS_ERR_INVALID_CERT', `the key cannot be read: ${(err as Error).message}`);
  }
  if (!cert.checkPrivateKey(key)) throw new PaasError('PAAS_ERR_INVALID_CERT', 'the key does not match the certificate');
  const info = infoOf(cert);
  if (!cert.checkHost(host))
    throw new PaasError('PAAS_ERR_INVALID_CERT', `the certificate does not cover ${host} (it covers: ${info.hosts.join(', ') || 'no DNS names'})`);
  if (info.notAfter <= now) throw new PaasError('PAAS_ERR_INVALID_CERT', `the certificate expired on ${info.notAfter.toISOString()}`);
  return info;
}

/** Pure: whether a certificate expiring at `notAfter` is due for renewal `renewDays` ahead. */
export function needsRenewal(notAfter: Date | null, now: Date, renewDays: number): boolean {
  return notAfter === null || notAfter.getTime() - now.getTime() <= renewDays * 24 * 3600 * 1000;
}

/** Pure: the hostnames to (re)issue: those with no certificate or one inside the renewal window, never hand-installed ones. */
export function dueHosts(hosts: string[], certs: CertRow[], now: Date, renewDays: number): string[] {
  return hosts.filter((host) => {
    const cert = certs.find((c) => c.host === host);
    if (cert?.source === 'manual') return false;
    return needsRenewal(cert?.certPem && cert.notAfter ? new Date(cert.notAfter) : null, now, renewDays);
  });
}
