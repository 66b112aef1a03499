// Named volumes through the Engine API.
import type { DockerClient } from './client.js';
import { isNotFound } from './client.js';
import { LABEL } from './names.js';
import { PaasError } from '../errors.js';

/** The `paas.app` label of volume `name`, or undefined when there is no such volume. */
async function ownerOf(docker: DockerClient, name: string): Promise<{ app: string | undefined } | undefined> {
  try {
    const info = (await docker.getVolume(name).inspect()) as { Labels?: Record<string, string> | null };
    return { app: info.Labels?.[LABEL.app] };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function notYours(name: string, app: string): PaasError {
  return new PaasError('PAAS_ERR_NAME_CONFLICT', `volume ${name} exists and is not ${app}'s: it was left alone`);
}

/** Creates a volume of `labels[paas.app]` when missing; refuses one that exists for another app (or none). */
export async function ensureVolume(docker: DockerClient, name: string, labels: Record<string, string>): Promise<void> {
  const owner = await ownerOf(docker, name);
  if (owner && owner.app !== labels[LABEL.app]) throw notYours(name, labels[LABEL.app] ?? '');
  if (!owner) await docker.createVolume({ Name: name, Labels: labels });
}

/** Removes `app`'s volume; resolves false when there was none. Throws (409) while a container uses it. */
export async function removeVolume(docker: DockerClient, name: string, app: string): Promise<boolean> {
  const owner = await ownerOf(docker, name);
  if (!owner) return false;
  if (owner.app !== app) throw notYours(name, app);
  try {
    await docker.getVolume(name).remove();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Volumes labelled for `app`. */
export async function listAppVolumes(docker: DockerClient, app: string): Promise<string[]> {
  const result = await docker.listVolumes({ filters: { label: [`${LABEL.app}=${app}`] } });
  return (result.Volumes ?? []).filter((v) => v.Labels?.[LABEL.app] === app).map((v) => v.Name);
}
