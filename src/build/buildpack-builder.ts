// Builds an app without a Dockerfile: detect a buildpack, plan its layers, and build them through the Engine API.
import { LABEL } from '../docker/names.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DockerClient } from '../docker/client.js';
import { engineMessage } from '../docker/client.js';
import { findImage } from '../docker/images.js';
import { archiveCommit, readFileAtCommit, rootEntries } from '../git/read-commit.js';
import { DetectCache, detectKey } from './detect-cache.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { APPS_STACK_IMAGE } from '../stack/build-stack.js';
import { engineBuild } from './engine-build.js';
import { appDockerfile, hasReleaseStage, runtimeDockerfile, TEST_STAGE } from './buildpack-dockerfile.js';
import { ensureDepsImage } from './deps-image.js';
import { buildpackContext } from './buildpack-context.js';
import { buildpackOrder, buildpackUrlOf, detectBuildpack } from './detect-buildpack.js';
import { buildpackPlan } from './buildpack-plans.js';
import { isCustomBuildpack } from './buildpack-setting.js';
import type { BuildRequest } from './dockerfile-builder.js';
import { parseProcfile } from '../input/procfile.js';

export interface BuildpackBuild {
  /** The runtime image (devDependencies pruned where the buildpack prunes). */
  imageId: string;
  /** The image tests run in (with devDependencies). */
  testImageId: string;
  buildpack: string;
  /** Process types the buildpack proposes (bin/release); a Procfile overrides them. */
  defaultProcessTypes: Record<string, string>;
  /** Whether `alongside` ran (and passed) while the release stage was built. */
  tested: boolean;
}

/** Which stages a buildpack build makes, and what runs while the release stage is built. */
export interface BuildpackStages {
  /** Whether tests will run in the image a buildpack of this name makes (default: yes). */
  testsWith?: (buildpack: string) => boolean;
  /** Only the stage tests run in (a CI run: no release image is needed). */
  testOnly?: boolean;
  /**
   * Runs in the test stage's image while the release stage (the prune step) is built: the tests, so that the two
   * overlap. Its output comes first, the release stage's after it; its error is the build's.
   */
  alongside?: (testImageId: string, buildpack: string) => Promise<void>;
}

/** Whether a Procfile's text declares a web process (an unreadable one counts as declaring it: its error comes later). */
function procfileNamesWeb(text: string): boolean {
  try {
    return 'web' in parseProcfile(text);
  } catch {
    return true;
  }
}

/** A short hash of the stack image, a Dockerfile and a buildpack folder's files: the runtime image's tag. */
function contentHash(stackImageId: string, dockerfile: string, dir: string): string {
  const hash = crypto.createHash('sha256').update(stackImageId).update('\0').update(dockerfile);
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (fs.statSync(full).isDirectory()) walk(full);
      else hash.update('\0' + path.relative(dir, full) + '\0').update(fs.readFileSync(full));
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 12);
}

/** Detections of this daemon's life (bundled buildpacks only). */
const detections = new DetectCache();

/** The BuildKit cache mount of an app's compile step (app names hold no '/': no other app's id can equal it). */
export function compileCacheId(app: string): string {
  return `paas-app/${app}/compile`;
}

/**
 * Of the release stage's build (after the test stage's), only what that stage adds: the steps the test stage
 * already made are cached and not repeated in the output. Errors always show.
 */
export function releaseStageLines(show: (line: string) => void): (line: string) => void {
  const own = new Set<string>();
  return (line) => {
    // BuildKit: `#7 [stage-1 2/2] RUN [...]`, then `#7 ...` lines; the classic builder: `Step 7/11 : RUN [...]`.
    const step = /^#(\d+) \[(?!test[ \]])[^\]]*\]/.exec(line);
    if (step) own.add(step[1]!);
    const n = /^#(\d+) /.exec(line)?.[1];
    if (n !== undefined ? own.has(n) || / ERROR: /.test(line) : !/Using cache|^ ---> |^Step \d+\/\d+ : (?!RUN \["\/paas\/buildpack\/bin\/prune)/.test(line))
      show(line);
  };
}

/**
 * Builds the commit into `request.tag` with the buildpack the app's setting names (bundled, or a folder on the
 * host), else the one its .buildpacks file names, else the first bundled one that detects.
 */
export async function buildWithBuildpack(
  docker: DockerClient,
  request: BuildRequest,
  installDir: string,
  setting: string | null,
  out: LineSink,
  stages: BuildpackStages = {},
): Promise<BuildpackBuild> {
  const testsWith = stages.testsWith ?? (() => true);
  const read = (file: string) => readFileAtCommit(request.repo, request.sha, file, request.gitEnv, request.cache);
  const stackImage = `${APPS_STACK_IMAGE.repo}:${APPS_STACK_IMAGE.tag}`;
  const custom = isCustomBuildpack(setting) ? setting : undefined;
  const order = custom ? ['custom'] : setting ? [setting] : buildpackOrder((await read('.buildpacks'))?.toString('utf8'));
  const wanted = buildpackUrlOf((await read('.env'))?.toString('utf8'));
  if (wanted)
    out.error(
      `.env sets BUILDPACK_URL=${wanted.slice(0, 120)}, but buildpacks are not fetched from URLs here: building with ${custom ?? setting ?? 'the bundled buildpack that detects'} (an admin can set one: paas buildpacks:set ${request.app} FOLDER)`,
    );
  const detect = () => detectBuildpack(docker, request, { installDir, stackImage, order, custom });
  const detected = custom
    ? await detect()
    : await detections.get(detectKey(order, await rootEntries(request.repo, request.sha, request.gitEnv, request.cache)), detect);
  out.step(`${detected.name} app detected (buildpack ${custom ?? detected.buildpack})`);

  const plan = await buildpackPlan(detected.buildpack, read, out);
  // The buildpack's web command is the image's CMD unless the Procfile names its own web (Heroku keeps
  // default_process_types for every type the Procfile leaves out: a Procfile with only `release:` keeps web).
  const procfile = await read('Procfile');
  const web = procfile && procfileNamesWeb(procfile.toString('utf8')) ? undefined : detected.defaultProcessTypes.web;
  const buildpackDir = custom ?? path.join(installDir, 'buildpacks', detected.buildpack);
  const labels = { ...request.labels, [LABEL.sha]: request.sha, [LABEL.buildpack]: detected.buildpack };
  const legacy = request.legacyBuilder ?? false;
  const show = (line: string) => out.detail(line);
  let testsFailed: unknown;
  try {
    // The runtime image: the same stack, Dockerfile and buildpack give the same (shared) image for every app, so
    // an image of that name is used as it is, without asking the engine to go through a cached build.
    const runtime = runtimeDockerfile(plan, stackImage);
    const stackId = (await findImage(docker, stackImage))?.Id ?? stackImage;
    const runtimeTag = `paas/runtime:${detected.buildpack}-${contentHash(stackId, runtime, buildpackDir)}`;
    const runtimeImageId =
      (await findImage(docker, runtimeTag))?.Id ??
      (await engineBuild(
        docker,
        () => buildpackContext(runtime, buildpackDir, undefined),
        { tag: runtimeTag, labels: { [LABEL.role]: 'runtime' } },
        show,
        legacy,
      ));
    let base = runtimeTag;
    if (plan.installDeps) {
      const manifests: { name: string; content: Buffer }[] = [];
      for (const name of plan.manifests) {
        const content = await read(name);
        if (content) manifests.push({ name, content });
      }
      base = await ensureDepsImage(
        docker,
        { app: request.app, runtimeImageId, manifests, cacheDir: request.buildCacheDir, explainFailure: plan.installFailure },
        out,
      );
    }
    // BuildKit keeps the compile step's CACHE_DIR between builds of the app (a cache mount of its own).
    const dockerfile = appDockerfile(plan, base, web, stackImage, legacy ? undefined : compileCacheId(request.app));
    const context = () => buildpackContext(dockerfile, undefined, archiveCommit(request.repo, request.sha, request.gitEnv));
    const buildArgs = { SOURCE_VERSION: request.sha };
    const found = { buildpack: detected.buildpack, defaultProcessTypes: detected.defaultProcessTypes };
    // Built once when nothing will be tested in it: the test stage (devDependencies kept) serves only tests.
    if (!hasReleaseStage(plan) || !testsWith(detected.buildpack)) {
      const imageId = await engineBuild(docker, context, { tag: request.tag, labels, buildArgs }, show, legacy);
      return { imageId, testImageId: imageId, ...found, tested: false };
    }
    // The test stage first (its layers are then all cached for the final stage, which only adds its own steps).
    const testImageId = await engineBuild(docker, context, { tag: `${request.tag}-test`, labels, target: TEST_STAGE, buildArgs }, show, legacy);
    if (stages.testOnly) return { imageId: testImageId, testImageId, ...found, tested: false };
    if (!stages.alongside) {
      const imageId = await engineBuild(docker, context, { tag: request.tag, labels, buildArgs }, releaseStageLines(show), legacy);
      return { imageId, testImageId, ...found, tested: false };
    }
    const held: string[] = [];
    const [release, tests] = await Promise.allSettled([
      engineBuild(
        docker,
        context,
        { tag: request.tag, labels, buildArgs },
        releaseStageLines((line) => held.push(line)),
        legacy,
      ),
      stages.alongside(testImageId, detected.buildpack),
    ]);
    held.forEach(show);
    if (tests.status === 'rejected') testsFailed = tests.reason;
    else if (release.status === 'rejected') throw release.reason;
    else return { imageId: release.value, testImageId, ...found, tested: true };
  } catch (err) {
    throw new PaasError('PAAS_ERR_BUILD_FAILED', `${detected.name} build failed: ${engineMessage(err)}`, { cause: err });
  }
  throw testsFailed;
}
