// A self-signed certificate and its key for tests and benches, made by openssl (arguments, never a shell string).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface SelfSignedOptions {
  /** The common name. */
  cn: string;
  /** subjectAltName entries, e.g. `DNS:localhost` or `IP:127.0.0.1`. */
  san: string[];
  days?: number;
  /** Files DIR/NAME.pem and DIR/NAME.key (default: cert). */
  name?: string;
  /** A serial of its own (hex); default: openssl's random one. */
  serial?: string;
  /** RSA 2048 instead of ECDSA P-256. */
  rsa?: boolean;
}

/** Writes the certificate and key into `dir`; resolves with their paths. Throws with openssl's message when it fails. */
export function selfSigned(dir: string, options: SelfSignedOptions): { cert: string; key: string } {
  const cert = path.join(dir, `${options.name ?? 'cert'}.pem`);
  const key = path.join(dir, `${options.name ?? 'cert'}.key`);
  const made = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    ...(options.rsa ? ['rsa:2048'] : ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']),
    '-nodes',
    '-subj',
    `/CN=${options.cn}`,
    '-addext',
    `subjectAltName=${options.san.join(',')}`,
    '-days',
    String(options.days ?? 30),
    ...(options.serial ? ['-set_serial', `0x${options.serial}`] : []),
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  if (made.status !== 0) throw new Error(`openssl failed: ${String(made.stderr)}`);
  return { cert, key };
}
