// The router's certificates in memory: one TLS context per hostname, replaced as soon as a certificate changes
// (no restart), looked up by SNI on every handshake.
import tls from 'node:tls';

export class SniContexts {
  private readonly contexts = new Map<string, tls.SecureContext>();

  /** Installs (or replaces) the certificate of `host`; throws when the pair is unusable. */
  set(host: string, certPem: string, keyPem: string): void {
    this.contexts.set(host, tls.createSecureContext({ cert: certPem, key: keyPem }));
  }

  delete(host: string): void {
    this.contexts.delete(host);
  }

  has(host: string): boolean {
    return this.contexts.has(host);
  }

  get(servername: string): tls.SecureContext | undefined {
    return this.contexts.get(servername.toLowerCase().replace(/\.$/, ''));
  }
}
