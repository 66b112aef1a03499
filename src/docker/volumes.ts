// Named volumes through the Engine API.
import type { DockerClient } from './client.js';
import { isNotFound } from './client.js';

/** Creates a labelled volume when it is missing (creating an existing one is a no-op in Docker). */
export async function ensureVolume(docker: DockerClient, name: string, labels: Record<string, string>): Promise<void> {
  await docker.createVolume({ Name: name, Labels: labels });
}

/** Removes a volume; resolves false when there was none. Throws (409) while a container uses it. */
export async function removeVolume(docker: DockerClient, name: string): Promise<boolean> {
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
  const result = await docker.listVolumes({ filters: { label: [`paas.app=${app}`] } });
  return (result.Volumes ?? []).map((v) => v.Name);
}
