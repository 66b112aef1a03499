// Images through the Engine API: build, import, tag, inspect, remove.
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import type { DockerClient } from './client.js';
import { isNotFound } from './client.js';
import { cacheVanished, followProgress, type ProgressEvent } from './progress.js';
import { layersWithSizes } from './layers.js';
import { LABEL, imageRepo } from './names.js';
import type { Layer } from '../store/releases.js';

export interface BuildOptions {
  tag: string;
  labels: Record<string, string>;
  /** Build only up to this stage of a multi-stage Dockerfile. */
  target?: string;
  /** The Dockerfile's path in the context (default: Dockerfile). */
  dockerfile?: string;
  /** ARG values for the build (the Engine API's buildargs). */
  buildArgs?: Record<string, string>;
  /** The engine's BuildKit (builder version 2) instead of the classic builder. */
  buildkit?: boolean;
}

/** How many times a build starts again when a cached step's image was deleted under it (see `cacheVanished`). */
const BUILD_ATTEMPTS = 3;

/**
 * Builds an image from a tar context with the classic builder or BuildKit, calling onEvent for each progress event
 * (BuildKit's progress comes as `moby.buildkit.trace` events: see buildkit-status.ts).
 * Resolves with the image id; rejects with Docker's message when the build fails. `context` makes a fresh
 * stream per attempt: a build whose cached step's image another removal deleted meanwhile starts again.
 */
export async function buildImage(
  docker: DockerClient,
  context: () => Readable,
  options: BuildOptions,
  onEvent: (event: ProgressEvent) => void,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const stream = await docker.buildImage(
        context() as unknown as NodeJS.ReadableStream,
        {
          t: options.tag,
          labels: options.labels,
          version: options.buildkit ? '2' : '1',
          rm: true,
          forcerm: true,
          ...(options.target ? { target: options.target } : {}),
          ...(options.dockerfile ? { dockerfile: options.dockerfile } : {}),
          ...(options.buildArgs && Object.keys(options.buildArgs).length > 0 ? { buildargs: options.buildArgs } : {}),
        } as Parameters<DockerClient['buildImage']>[1],
      );
      await followProgress(docker, stream, onEvent);
      break;
    } catch (err) {
      if (attempt >= BUILD_ATTEMPTS || !cacheVanished((err as Error).message)) throw err;
      onEvent({ stream: `An image this build reused from the cache was deleted meanwhile (by an image removal on the engine); building again\n` });
    }
  }
  const image = await docker.getImage(options.tag).inspect();
  return image.Id;
}

/** A build context holding nothing but a Dockerfile. */
export function dockerfileContext(dockerfile: string): () => Readable {
  return () => {
    const pack = tarStream.pack();
    pack.entry({ name: 'Dockerfile' }, dockerfile);
    pack.finalize();
    return pack as unknown as Readable;
  };
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
/**
 * Pure: how an app's image goes when the app does: the whole image (by id) when no other app's tag is on it, else
 * only the app's own tags (a promoted image is another app's release too, and stays for it).
 */
export function appImageRemoval(app: string, repoTags: readonly string[] | null | undefined): { untag: string[] } | 'remove' {
  const own = `${imageRepo(app)}:`;
  const tags = (repoTags ?? []).filter((t) => t !== '<none>:<none>');
  const others = tags.filter((t) => !t.startsWith(own));
  return others.length ? { untag: tags.filter((t) => t.startsWith(own)) } : 'remove';
}

export async function removeAppImages(docker: DockerClient, app: string): Promise<void> {
  // Labelled ones, and every tag of the app's own repository (dependency images are committed without labels).
  const labelled = await docker.listImages({ filters: { label: [`${LABEL.app}=${app}`] } });
  const tagged = await docker.listImages({ filters: { reference: [imageRepo(app)] } });
  const images = [...new Map([...labelled, ...tagged].map((i) => [i.Id, i])).values()];
  for (const image of images) {
    // Every tag of the image: a list filtered by reference names only the tags that match it.
    const tags = (await findImage(docker, image.Id))?.RepoTags;
    const removal = appImageRemoval(app, tags);
    if (removal !== 'remove') {
      for (const tag of removal.untag) await untagImage(docker, tag);
      continue;
    }
    try {
      await docker.getImage(image.Id).remove({ force: true });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** The image's filesystem layers, oldest first, with their sizes (from inspect and history; nothing is exported). */
export async function imageLayers(docker: DockerClient, image: string): Promise<Layer[]> {
  const handle = docker.getImage(image);
  const [info, history] = await Promise.all([handle.inspect(), handle.history() as Promise<{ Id: string; CreatedBy: string; Size: number }[]>]);
  // Each step's own image (kept by the classic builder) tells how many layers the image had after it.
  const counted = await Promise.all(
    history.map(async (entry) => {
      if (entry.Id === '<missing>') return entry;
      const step = await findImage(docker, entry.Id).catch(() => undefined);
      return step?.RootFS?.Layers ? { ...entry, Layers: step.RootFS.Layers.length } : entry;
    }),
  );
  return layersWithSizes(info.RootFS?.Layers ?? [], counted);
}

/** Removes the tag `ref`; Docker deletes the image with its last tag unless a container still uses it. */
export async function untagImage(docker: DockerClient, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).remove({ noprune: false });
    return true;
  } catch (err) {
    const code = (err as { statusCode?: number }).statusCode;
    if (code === 404 || code === 409) return false;
    throw err;
  }
}

/** Lists the files a layer adds or changes, read from `docker save` of the image (streamed, nothing kept). */
export async function filesInLayers(docker: DockerClient, image: string, diffIds: Set<string>, limit = 200): Promise<Map<string, string[]>> {
  const { createHash } = await import('node:crypto');
  const stream = (await docker.getImage(image).get()) as NodeJS.ReadableStream;
  const files = new Map<string, string[]>();
  const outer = tarStream.extract();
  outer.on('entry', (header, entry, next) => {
    if (!/(^|\/)layer\.tar$/.test(header.name) || header.type !== 'file') {
      entry.on('end', next);
      entry.resume();
      return;
    }
    // A layer's diff id is the sha256 of its uncompressed tar: hash while listing, keep the list if it matches.
    const hash = createHash('sha256');
    const names: string[] = [];
    const inner = tarStream.extract();
    inner.on('entry', (h, e, n) => {
      if (names.length < limit) names.push(h.name);
      e.on('end', n);
      e.resume();
    });
    inner.on('error', () => undefined);
    entry.on('data', (chunk: unknown) => {
      hash.update(chunk as Buffer);
    });
    entry.on('end', () => {
      const digest = 'sha256:' + hash.digest('hex');
      if (diffIds.has(digest)) files.set(digest, names);
      next();
    });
    entry.pipe(inner);
  });
  await new Promise<void>((resolve, reject) => {
    outer.on('finish', resolve);
    outer.on('error', reject);
    stream.pipe(outer);
  });
  return files;
}

/** Commits a stopped container as image `ref` (one layer), with labels and a neutral CMD; resolves with its id. */
export async function commitContainer(docker: DockerClient, containerId: string, ref: string, labels: Record<string, string>): Promise<string> {
  const [repo, tag] = ref.split(':') as [string, string];
  const changes = [...Object.entries(labels).map(([k, v]) => `LABEL ${k}=${JSON.stringify(v)}`), 'CMD ["/bin/sh"]'];
  const result = (await docker.getContainer(containerId).commit({ repo, tag, changes })) as { Id: string };
  return result.Id;
}

/** Every image of `app`'s repository (release, dependency and CI tags). */
export async function listAppImages(docker: DockerClient, app: string): Promise<Docker.ImageInfo[]> {
  return docker.listImages({ filters: { reference: [imageRepo(app)] } });
}
