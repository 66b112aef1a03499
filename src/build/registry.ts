// Reads package metadata from the npm registry on the host, over TLS checked against the host's CA bundle.
import fs from 'node:fs';
import https from 'node:https';
import { PaasError } from '../errors.js';

const REGISTRY = 'https://registry.npmjs.org';
const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const TTL_MS = 10 * 60 * 1000;
const cache = new Map<string, { at: number; doc: Promise<Packument> }>();

export interface PackumentVersion {
  version: string;
  engines?: { node?: string };
  bin?: string | Record<string, string>;
  optionalDependencies?: Record<string, string>;
  dist: { tarball: string; integrity?: string };
}

export interface Packument {
  versions: Record<string, PackumentVersion>;
  time?: Record<string, string>;
}

function get(url: string, accept: string): Promise<Packument> {
  const ca = fs.existsSync(HOST_CA_BUNDLE) ? fs.readFileSync(HOST_CA_BUNDLE) : undefined;
  return new Promise((resolve, reject) => {
    const req = https.get(url, { headers: { accept }, timeout: 30_000, ...(ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`${url} answered ${res.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Packument);
        } catch (err) {
          reject(err);
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** A package's metadata (`full` adds publish times), cached for ten minutes. */
export function packument(name: string, full = false): Promise<Packument> {
  const key = `${name}:${full}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.doc;
  const doc = get(`${REGISTRY}/${name}`, full ? 'application/json' : 'application/vnd.npm.install-v1+json').catch((err: Error) => {
    cache.delete(key);
    throw new PaasError('PAAS_ERR_BUILD_FAILED', `cannot read ${name} from the npm registry: ${err.message}`, { cause: err });
  });
  cache.set(key, { at: Date.now(), doc });
  return doc;
}

/** The hex sha512 of an npm `integrity` string (sha512-<base64>), for sha512sum. */
export function sha512Hex(integrity: string | undefined): string {
  const match = /sha512-([A-Za-z0-9+/=]+)/.exec(integrity ?? '');
  if (!match) throw new PaasError('PAAS_ERR_BUILD_FAILED', 'the registry gave no sha512 integrity for a runtime tarball');
  return Buffer.from(match[1]!, 'base64').toString('hex');
}
