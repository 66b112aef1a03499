// Ships a release image to the cluster's registry, once: layers the registry has already are not sent again.
import type { DockerClient } from '../docker/client.js';
import { followProgress, type ProgressEvent } from '../docker/progress.js';
import { imageRepo } from '../docker/names.js';
import { PaasError } from '../errors.js';
import type { RegistryAccess } from './registry-server.js';

export interface Shipped {
  /** The reference nodes pull, e.g. 172.17.0.1:5000/paas/app/shop:v3. */
  ref: string;
  /** Layers sent, and layers the registry already had. */
  sent: number;
  present: number;
}

/** Pure: the registry reference of `app`'s release image `version`. */
export function registryRef(address: string, app: string, version: number): { repo: string; tag: string; ref: string } {
  const repo = `${address}/${imageRepo(app)}`;
  return { repo, tag: `v${version}`, ref: `${repo}:v${version}` };
}

/**
 * Pure: the release versions whose images leave the registry: those asked for, and any other tag `vN` of the app's
 * repository older than the newest release asked for or kept that no kept release has.
 */
export function versionsToForget(tags: string[], asked: number[], kept: number[]): number[] {
  const newest = Math.max(0, ...asked, ...kept);
  const tagged = tags.flatMap((tag) => (/^v\d+$/.test(tag) ? [Number(tag.slice(1))] : []));
  const stale = tagged.filter((v) => v < newest && !kept.includes(v));
  return [...new Set([...asked, ...stale])].sort((a, b) => a - b);
}

/** Pure: the layers a push sent and the ones the registry already had, from its progress events. */
export function pushSummary(events: ProgressEvent[]): { sent: number; present: number } {
  const sent = new Set<string>();
  const present = new Set<string>();
  for (const e of events as (ProgressEvent & { id?: string })[]) {
    if (!e.id) continue;
    if (e.status === 'Pushed') sent.add(e.id);
    if (e.status === 'Layer already exists' || e.status?.startsWith('Mounted from')) present.add(e.id);
  }
  return { sent: sent.size, present: present.size };
}

/** The X-Registry-Auth of `access` (none for a registry without a password). */
export function registryAuth(access: RegistryAccess): { username: string; password: string; serveraddress: string } | undefined {
  return access.username && access.password ? { username: access.username, password: access.password, serveraddress: access.address } : undefined;
}

/** Tags image `imageId` as `app`'s release `version` in the registry and pushes it. */
export async function shipImage(docker: DockerClient, access: RegistryAccess, imageId: string, app: string, version: number): Promise<Shipped> {
  const { ref, events } = await push(docker, access, imageId, imageRepo(app), `v${version}`);
  return { ref, ...pushSummary(events) };
}

/** Tags image `image` as `repo:tag` in the registry and pushes it; resolves with the reference nodes pull. */
export async function pushImage(docker: DockerClient, access: RegistryAccess, image: string, repo: string, tag: string): Promise<string> {
  return (await push(docker, access, image, repo, tag)).ref;
}

async function push(docker: DockerClient, access: RegistryAccess, image: string, repo: string, tag: string): Promise<{ ref: string; events: ProgressEvent[] }> {
  const ref = `${access.address}/${repo}:${tag}`;
  await docker.getImage(image).tag({ repo: `${access.address}/${repo}`, tag });
  try {
    const stream = (await docker.getImage(ref).push({ authconfig: registryAuth(access) } as object)) as NodeJS.ReadableStream;
    return { ref, events: await followProgress(docker, stream, () => undefined) };
  } catch (err) {
    throw new PaasError('PAAS_ERR_REGISTRY', pushFailure(ref, access.address, (err as Error).message), { cause: err });
  }
}

/** Pure: the one line a failed push says, with what to change when the registry refused the credentials or its certificate is not trusted. */
export function pushFailure(ref: string, address: string, reason: string): string {
  const line = `could not push ${ref} to the registry: ${reason.trim().split('\n')[0]}`;
  if (/unauthorized|authentication required|no basic auth credentials/i.test(reason))
    return `${line} (check PAAS_REGISTRY_USER and PAAS_REGISTRY_PASSWORD for ${address})`;
  if (/x509|certificate/i.test(reason)) return `${line} (this host and every node must trust its CA in /etc/docker/certs.d/${address}/ca.crt)`;
  return line;
}
