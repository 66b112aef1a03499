// Builds an app without a Dockerfile: detect a buildpack, plan its layers, and build them through the Engine API.
import { LABEL } from '../docker/names.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DockerClient } from '../docker/client.js';
import { engineMessage } from '../docker/client.js';
import { buildImage } from '../docker/images.js';
import { archiveCommit, readFileAtCommit } from '../git/read-commit.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { APPS_STACK_IMAGE } from '../stack/build-stack.js';
import { buildEventLines } from './build-output.js';
import { appDockerfile, hasReleaseStage, runtimeDockerfile, TEST_STAGE } from './buildpack-dockerfile.js';
import { ensureDepsImage } from './deps-image.js';
import type { ProgressEvent } from '../docker/progress.js';
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
}

/** Whether a Procfile's text declares a web process (an unreadable one counts as declaring it: its error comes later). */
function procfileNamesWeb(text: string): boolean {
  try {
    return 'web' in parseProcfile(text);
  } catch {
    return true;
  }
}

/** A short hash of a Dockerfile and a buildpack folder's files: the runtime image's tag. */
function contentHash(dockerfile: string, dir: string): string {
  const hash = crypto.createHash('sha256').update(dockerfile);
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
  testsWith: (buildpack: string) => boolean = () => true,
): Promise<BuildpackBuild> {
  const read = (file: string) => readFileAtCommit(request.repo, request.sha, file, request.gitEnv, request.cache);
  const stackImage = `${APPS_STACK_IMAGE.repo}:${APPS_STACK_IMAGE.tag}`;
  const custom = isCustomBuildpack(setting) ? setting : undefined;
  const order = custom ? ['custom'] : setting ? [setting] : buildpackOrder((await read('.buildpacks'))?.toString('utf8'));
  const wanted = buildpackUrlOf((await read('.env'))?.toString('utf8'));
  if (wanted)
    out.error(
      `.env sets BUILDPACK_URL=${wanted.slice(0, 120)}, but buildpacks are not fetched from URLs here: building with ${custom ?? setting ?? 'the bundled buildpack that detects'} (an admin can set one: paas buildpacks:set ${request.app} FOLDER)`,
    );
  const detected = await detectBuildpack(docker, request, { installDir, stackImage, order, custom });
  out.step(`${detected.name} app detected (buildpack ${custom ?? detected.buildpack})`);

  const plan = await buildpackPlan(detected.buildpack, read, out);
  // The buildpack's web command is the image's CMD unless the Procfile names its own web (Heroku keeps
  // default_process_types for every type the Procfile leaves out: a Procfile with only `release:` keeps web).
  const procfile = await read('Procfile');
  const web = procfile && procfileNamesWeb(procfile.toString('utf8')) ? undefined : detected.defaultProcessTypes.web;
  const buildpackDir = custom ?? path.join(installDir, 'buildpacks', detected.buildpack);
  const labels = { ...request.labels, [LABEL.sha]: request.sha, [LABEL.buildpack]: detected.buildpack };
  const show = (event: ProgressEvent) => buildEventLines(event).forEach((line) => out.detail(line));
  try {
    // The runtime image: the same Dockerfile and buildpack give the same (cached, shared) layers for every app.
    const runtime = runtimeDockerfile(plan, stackImage);
    const runtimeTag = `paas/runtime:${detected.buildpack}-${contentHash(runtime, buildpackDir)}`;
    const runtimeImageId = await buildImage(
      docker,
      () => buildpackContext(runtime, buildpackDir, undefined),
      { tag: runtimeTag, labels: { [LABEL.role]: 'runtime' } },
      show,
    );
    let base = runtimeImageId;
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
    const dockerfile = appDockerfile(plan, base, web, stackImage);
    const context = () => buildpackContext(dockerfile, undefined, archiveCommit(request.repo, request.sha, request.gitEnv));
    // Built once when nothing will be tested in it: the test stage (devDependencies kept) serves only tests.
    if (!hasReleaseStage(plan) || !testsWith(detected.buildpack)) {
      const imageId = await buildImage(docker, context, { tag: request.tag, labels, buildArgs: { SOURCE_VERSION: request.sha } }, show);
      return { imageId, testImageId: imageId, buildpack: detected.buildpack, defaultProcessTypes: detected.defaultProcessTypes };
    }
    // The test stage first (its layers are then all cached for the final stage, which only adds the prune step).
    const buildArgs = { SOURCE_VERSION: request.sha };
    const testImageId = await buildImage(docker, context, { tag: `${request.tag}-test`, labels, target: TEST_STAGE, buildArgs }, show);
    const imageId = await buildImage(docker, context, { tag: request.tag, labels, buildArgs }, (event) => {
      if (!/Using cache|^Step \d+\/\d+ : (?!RUN \["\/paas\/buildpack\/bin\/prune)/.test(event.stream ?? '')) show(event);
    });
    return { imageId, testImageId, buildpack: detected.buildpack, defaultProcessTypes: detected.defaultProcessTypes };
  } catch (err) {
    throw new PaasError('PAAS_ERR_BUILD_FAILED', `${detected.name} build failed: ${engineMessage(err)}`, { cause: err });
  }
}
