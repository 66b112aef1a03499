// Images through the Engine API: build, import, tag, inspect, remove.
import type { Readable } from 'node:stream';
import type { DockerClient } from './client.js';
import { isNotFound } from './client.js';
import { followProgress, type ProgressEvent } from './progress.js';

export interface BuildOptions {
  tag: string;
  labels: Record<string, string>;
}

/**
 * Builds an image from a tar context with the classic builder, calling onEvent for each progress event.
 * Resolves with the image id; rejects with Docker's message when the build fails.
 */
export async function buildImage(
  docker: DockerClient,
  context: Readable,
  options: BuildOptions,
  onEvent: (event: ProgressEvent) => void,
): Promise<string> {
  const stream = await docker.buildImage(context, {
    t: options.tag,
    labels: options.labels,
    version: '1',
    rm: true,
    forcerm: true,
  } as Parameters<DockerClient['buildImage']>[1]);
  await followProgress(docker, stream, onEvent);
  const image = await docker.getImage(options.tag).inspect();
  return image.Id;
}

/** Imports a root filesystem tarball as an image `repo:tag`. */
export async function importImage(docker: DockerClient, tarball: Readable, repo: string, tag: string): Promise<string> {
  const stream = await docker.importImage(tarball, { repo, tag });
  await followProgress(docker, stream, () => {});
  return (await docker.getImage(`${repo}:${tag}`).inspect()).Id;
}

export async function tagImage(docker: DockerClient, image: string, repo: string, tag: string): Promise<void> {
  await docker.getImage(image).tag({ repo, tag });
}

/** The image's inspect data, or undefined when there is no such image. */
export async function findImage(docker: DockerClient, ref: string) {
  try {
    return await docker.getImage(ref).inspect();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Ports the image EXPOSEs, as numbers (tcp only). */
export function exposedTcpPorts(image: { Config?: { ExposedPorts?: Record<string, unknown> } }): number[] {
  return Object.keys(image.Config?.ExposedPorts ?? {})
    .filter((p) => p.endsWith('/tcp'))
    .map((p) => Number.parseInt(p, 10))
    .filter((p) => Number.isInteger(p));
}

/** Removes every image labelled as belonging to `app`. */
export async function removeAppImages(docker: DockerClient, app: string): Promise<void> {
  const images = await docker.listImages({ filters: { label: [`paas.app=${app}`] } });
  for (const image of images) {
    try {
      await docker.getImage(image.Id).remove({ force: true });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
