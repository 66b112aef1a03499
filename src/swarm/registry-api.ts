// The registry's HTTP API (Distribution v2) for what pushes and pulls do not cover: the manifest digest of a tag,
// the tags of a repository, and deleting a manifest (its tags go with it). HTTPS, with the registry's CA when the
// daemon made it, and the daemon's credentials.
import https from 'node:https';
import { PaasError } from '../errors.js';
import type { RegistryAccess } from './registry-server.js';

/** The manifest types Docker pushes; a HEAD must accept them to get the digest pushed, not a converted one. */
const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(access: RegistryAccess, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const auth = access.username && access.password ? { Authorization: `Basic ${Buffer.from(`${access.username}:${access.password}`).toString('base64')}` } : {};
  const [host, port] = access.address.split(':');
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host, port: Number(port || 443), method, path, headers: { ...auth, ...headers }, ...(access.ca ? { ca: access.ca } : {}), timeout: 30_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (err) => reject(new PaasError('PAAS_ERR_REGISTRY', `registry ${access.address}: ${method} ${path}: ${err.message}`, { cause: err })));
    req.end();
  });
}

function refused(access: RegistryAccess, what: string, answer: Answer): PaasError {
  return new PaasError('PAAS_ERR_REGISTRY', `registry ${access.address} refused to ${what} (HTTP ${answer.status}): ${answer.body.trim().slice(0, 200)}`);
}

/** The digest of the manifest `repo:tag` names, or undefined when there is no such tag. */
export async function manifestDigest(access: RegistryAccess, repo: string, tag: string): Promise<string | undefined> {
  const answer = await call(access, 'HEAD', `/v2/${repo}/manifests/${encodeURIComponent(tag)}`, { Accept: MANIFEST_TYPES });
  if (answer.status === 404) return undefined;
  const digest = answer.headers['docker-content-digest'];
  if (answer.status !== 200 || typeof digest !== 'string') throw refused(access, `tell the digest of ${repo}:${tag}`, answer);
  return digest;
}

/** The tags of `repo` (none when it has none or does not exist). */
export async function listTags(access: RegistryAccess, repo: string): Promise<string[]> {
  const answer = await call(access, 'GET', `/v2/${repo}/tags/list`);
  if (answer.status === 404) return [];
  if (answer.status !== 200) throw refused(access, `list the tags of ${repo}`, answer);
  return (JSON.parse(answer.body) as { tags?: string[] | null }).tags ?? [];
}

/** Deletes a manifest by digest, and every tag naming it; one already gone is fine. */
export async function deleteManifest(access: RegistryAccess, repo: string, digest: string): Promise<void> {
  const answer = await call(access, 'DELETE', `/v2/${repo}/manifests/${digest}`);
  if (answer.status === 202 || answer.status === 404) return;
  throw refused(access, `delete ${repo}@${digest}`, answer);
}
