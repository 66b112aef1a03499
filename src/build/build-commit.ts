// Builds a pushed commit into an image: its Dockerfile when it has one, else the buildpack that applies.
import { PaasError } from '../errors.js';
import path from 'node:path';
import type { Services } from '../services.js';
import { readFileAtCommit, type ReadCache } from '../git/read-commit.js';
import type { GitObjectEnv } from '../git/run-git.js';
import type { LineSink } from '../log.js';
import { parseJsonFile } from '../input/healthchecks.js';
import { parseAppJson } from './app-json.js';
import { parseProcfile } from '../input/procfile.js';
import { buildFromDockerfile, hasDockerfile } from './dockerfile-builder.js';
import { buildWithBuildpack, type BuildpackStages } from './buildpack-builder.js';
import { buildTarget, resolveBuildArgs } from '../input/docker-options.js';
import type { AppRow } from '../store/apps.js';

export interface CommitSource {
  repo: string;
  sha: string;
  gitEnv: GitObjectEnv;
  /** One isomorphic-git cache for every read of the job. */
  cache: ReadCache;
}

export interface AppFiles {
  procfile?: Record<string, string>;
  appJson?: unknown;
  packageJson?: unknown;
}

/** The commit's Procfile, app.json and package.json, checked (with file and line on errors) before any build. */
export async function readAppFiles(source: CommitSource): Promise<AppFiles> {
  const read = (file: string) => readFileAtCommit(source.repo, source.sha, file, source.gitEnv, source.cache);
  const [procfile, appJson, packageJson] = await Promise.all([read('Procfile'), read('app.json'), read('package.json')]);
  return {
    ...(procfile ? { procfile: parseProcfile(procfile.toString('utf8')) } : {}),
    ...(appJson ? { appJson: parseAppJson(appJson.toString('utf8')) } : {}),
    ...(packageJson ? { packageJson: parseJsonFile(packageJson.toString('utf8'), 'package.json') } : {}),
  };
}

/** An app's build cache on the host: kept across builds, deleted with the app. */
export function buildCacheDir(dataDir: string, app: string): string {
  return path.join(dataDir, 'cache', app);
}

export interface BuiltCommit {
  imageId: string;
  /** The image tests run in: the same, or (buildpacks that prune) the one with devDependencies. */
  testImageId: string;
  /** 'dockerfile', or the process types the buildpack proposes. */
  defaults: Record<string, string> | 'dockerfile';
  buildpack?: string;
  /** Whether the build ran the target's `alongside` (the tests) already. */
  tested?: boolean;
}

/** What an app's settings say about how it builds. */
export type BuildSettings = Pick<AppRow, 'buildpack' | 'dockerfilePath' | 'buildArgs' | 'config'>;

/** Builds `source` into `target.tag`, streaming the build into `out`. */
export async function buildCommit(
  services: Pick<Services, 'config' | 'docker'>,
  source: CommitSource,
  target: {
    app: string;
    tag: string;
    labels: Record<string, string>;
    what: string;
    settings: BuildSettings;
  } & BuildpackStages,
  out: LineSink,
): Promise<BuiltCommit> {
  const dockerfile = target.settings.dockerfilePath ?? undefined;
  const request = {
    ...source,
    app: target.app,
    tag: target.tag,
    labels: target.labels,
    buildCacheDir: buildCacheDir(services.config.dataDir, target.app),
    ...(services.config.dockerBuilder === 'legacy' ? { legacyBuilder: true } : {}),
    ...(dockerfile ? { dockerfile } : {}),
  };
  if (await hasDockerfile(request)) {
    out.step(`Building ${target.app} from ${dockerfile ?? 'Dockerfile'} (${target.what})`);
    const buildArgs = resolveBuildArgs(target.app, target.settings.buildArgs, target.settings.config);
    if (Object.keys(buildArgs).length > 0) out.detail(`Build args: ${Object.keys(buildArgs).join(', ')}`);
    const stage = buildTarget(target.settings.buildArgs);
    if (stage) out.detail(`Build target: ${stage}`);
    const imageId = await buildFromDockerfile(services.docker, { ...request, buildArgs, ...(stage ? { target: stage } : {}) }, (line) => out.detail(line));
    return { imageId, testImageId: imageId, defaults: 'dockerfile' };
  }
  if (dockerfile) {
    throw new PaasError(
      'PAAS_ERR_BUILD_FAILED',
      `${target.app} builds from ${dockerfile}, which this commit does not have: add it, or build from the root again with paas apps:dockerfile-path ${target.app}`,
    );
  }
  out.step(`Building ${target.app} with a buildpack (${target.what})`);
  const built = await buildWithBuildpack(services.docker, request, services.config.installDir, target.settings.buildpack, out, target);
  return { imageId: built.imageId, testImageId: built.testImageId, defaults: built.defaultProcessTypes, buildpack: built.buildpack, tested: built.tested };
}
