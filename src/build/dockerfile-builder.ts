// Builds an app image from the Dockerfile at the root of the pushed commit.
import type { DockerClient } from '../docker/client.js';
import { engineMessage } from '../docker/client.js';
import { findImage } from '../docker/images.js';
import { LABEL } from '../docker/names.js';
import { wantsSourceVersion } from './buildpack-dockerfile.js';
import { baseImages } from './base-images.js';
import { archiveCommit, readFileAtCommit, type ReadCache } from '../git/read-commit.js';
import type { GitObjectEnv } from '../git/run-git.js';
import { PaasError } from '../errors.js';
import { contextFilter, filterTar } from './context.js';
import { buildkitMessage, engineBuild } from './engine-build.js';
import { forBuiltinFrontend } from './dockerfile-compat.js';

export interface BuildRequest {
  repo: string;
  sha: string;
  gitEnv: GitObjectEnv;
  /** One isomorphic-git cache for all reads of a job. */
  cache?: ReadCache;
  app: string;
  /** The image reference to build, e.g. paas/shop:v3. */
  tag: string;
  /** Labels naming the app and what the image is for (release, CI run). */
  labels: Record<string, string>;
  /** The Dockerfile's path in the repository (default: Dockerfile). */
  dockerfile?: string;
  /** Dockerfile ARG values (docker-options --build-arg), already resolved from the app's config. */
  buildArgs?: Record<string, string>;
  /** The stage to build (docker-options --target); absent: the last one. */
  target?: string;
  /** The app's build cache on the host (npm's cache and the like), kept across builds. */
  buildCacheDir: string;
  /** Build a Dockerfile with the classic builder rather than BuildKit (PAAS_DOCKER_BUILDER=legacy). */
  legacyBuilder?: boolean;
}

/**
 * An app builds on public bases and its own images only: a base that is another app's image (by name, tag or id)
 * would hand this app that app's code. A base whose name needs build arguments to resolve is refused too,
 * since it could resolve to anything.
 */
async function refuseOtherAppsImages(docker: DockerClient, app: string, dockerfile: string, buildArgs: Record<string, string>): Promise<void> {
  for (const ref of baseImages(dockerfile, buildArgs)) {
    if (ref.includes('$'))
      throw new PaasError(
        'PAAS_ERR_BUILD_FAILED',
        `the Dockerfile's base image ${ref} depends on a build argument without a default; give the ARG a default or name the image`,
      );
    const owner = (await findImage(docker, ref).catch(() => undefined))?.Config?.Labels?.[LABEL.app];
    if (owner !== undefined && owner !== app)
      throw new PaasError(
        'PAAS_ERR_BUILD_FAILED',
        `the Dockerfile builds on ${ref}, an image of another app; an app may build only on its own images and public ones`,
      );
  }
}

/** The base images the Dockerfile names that the host does not have (after a build failed). */
async function missingBases(docker: DockerClient, dockerfile: string, buildArgs: Record<string, string>): Promise<string[]> {
  const missing: string[] = [];
  for (const ref of new Set(baseImages(dockerfile, buildArgs))) {
    if (!(await findImage(docker, ref).catch(() => undefined))) missing.push(ref);
  }
  return missing;
}

/** True when the commit has a Dockerfile at its root. */
export async function hasDockerfile(request: Pick<BuildRequest, 'repo' | 'sha' | 'gitEnv' | 'cache' | 'dockerfile'>): Promise<boolean> {
  return (await readFileAtCommit(request.repo, request.sha, request.dockerfile ?? 'Dockerfile', request.gitEnv, request.cache)) !== undefined;
}

/**
 * Builds the commit's Dockerfile into `paas/<app>:v<N>` with the engine's BuildKit (the Dockerfile made ready for
 * its built-in frontend: dockerfile-compat.ts), streaming its progress as lines to `onLine`; resolves with the
 * image id. Where the engine has no BuildKit, the classic builder builds it, and the push says so in one line.
 */
export async function buildFromDockerfile(docker: DockerClient, request: BuildRequest, onLine: (line: string) => void): Promise<string> {
  const path = request.dockerfile ?? 'Dockerfile';
  const original = (await readFileAtCommit(request.repo, request.sha, path, request.gitEnv, request.cache))?.toString('utf8') ?? '';
  const frontends = new Map<string, boolean>();
  for (const match of original.matchAll(/^#\s*syntax\s*=\s*(\S+)/gim))
    frontends.set(match[1]!, Boolean(await findImage(docker, match[1]!).catch(() => undefined)));
  const compat = forBuiltinFrontend(original, request.app, (image) => frontends.get(image) ?? false);
  if (compat.droppedSyntax)
    onLine(
      `The Dockerfile asks for the frontend ${compat.droppedSyntax}, which cannot be pulled here: building with the engine's built-in Dockerfile frontend`,
    );
  const buildArgs = request.buildArgs ?? {};
  await refuseOtherAppsImages(docker, request.app, compat.dockerfile, buildArgs);
  const ignoreFile = await readFileAtCommit(request.repo, request.sha, '.dockerignore', request.gitEnv, request.cache);
  const keep = contextFilter(ignoreFile?.toString('utf8'));
  const options = {
    tag: request.tag,
    labels: { ...request.labels, [LABEL.sha]: request.sha },
    ...(request.dockerfile ? { dockerfile: request.dockerfile } : {}),
    ...(request.target ? { target: request.target } : {}),
    // Heroku's SOURCE_VERSION, to a Dockerfile that asks for it with ARG SOURCE_VERSION.
    buildArgs: wantsSourceVersion(original) ? { SOURCE_VERSION: request.sha, ...buildArgs } : buildArgs,
  };
  const context = () =>
    filterTar(archiveCommit(request.repo, request.sha, request.gitEnv), keep, { replace: { [path]: compat.dockerfile }, add: compat.files });
  try {
    return await engineBuild(docker, context, options, onLine, request.legacyBuilder);
  } catch (err) {
    const missing = await missingBases(docker, compat.dockerfile, buildArgs);
    if (missing.length > 0) {
      throw new PaasError(
        'PAAS_ERR_BUILD_FAILED',
        `the base image${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not on this host and could not be pulled: load ${missing.length > 1 ? 'them' : 'it'} (docker load -i image.tar, on the host), set a registry mirror for dockerd, or build FROM an image the host has, such as debian:bookworm-slim`,
        { cause: err },
      );
    }
    throw new PaasError('PAAS_ERR_BUILD_FAILED', `Docker build failed: ${buildkitMessage(engineMessage(err))}`, { cause: err });
  }
}
