// Pure: an app's certificates as `paas certs` shows them (never the keys).
import type { CertRow } from '../store/certificates.js';

export interface CertView {
  host: string;
  status: 'valid' | 'expiring' | 'expired' | 'failed' | 'none';
  source: string;
  issuer: string | null;
  notAfter: string | null;
  /** The last failure to obtain or renew it (the current certificate, if any, keeps serving). */
  error: string | null;
  errorAt: string | null;
}

export function certViews(hosts: string[], certs: CertRow[], now: Date, renewDays: number): CertView[] {
  const all = [...new Set([...hosts, ...certs.map((c) => c.host)])].sort();
  return all.map((host) => {
    const cert = certs.find((c) => c.host === host);
    const notAfter = cert?.certPem ? cert.notAfter : null;
    const left = notAfter ? new Date(notAfter).getTime() - now.getTime() : null;
    const status: CertView['status'] =
      left === null ? (cert?.error ? 'failed' : 'none') : left <= 0 ? 'expired' : left <= renewDays * 86_400_000 ? 'expiring' : 'valid';
    return {
      host,
      status,
      source: cert?.source ?? '',
      issuer: notAfter ? (cert?.issuer ?? null) : null,
      notAfter,
      error: cert?.error ?? null,
      errorAt: cert?.errorAt ?? null,
    };
  });
}
