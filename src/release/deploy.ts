// Orchestrates one push, the whole pipeline in one place:
//
//   pre-receive hook -> queue (per app, push order) -> build image (Dockerfile, else a buildpack)
//     -> tests in a throwaway container (verify/), failing ones reject the push
//     -> release command (Procfile `release:`), if any
//     -> release spec (Procfile, app.json, config) -> swap (start new, health checks, route, drain, stop old)
//     -> garbage-collect old images
//
// Any failure before the route swap leaves the old release routed and serving, and rejects the push.
import type { ReleaseServices } from '../services.js';
import type { GitObjectEnv } from '../git/run-git.js';
import { getApp } from '../store/apps.js';
import { activeRelease, nextReleaseVersion, type ReleaseSpec } from '../store/releases.js';
import { LABEL, imageTag } from '../docker/names.js';
import { buildCommit, readAppFiles, type AppFiles, type BuiltCommit } from '../build/build-commit.js';
import { parseCronEntries } from '../input/cron.js';
import { testCommit } from '../verify/test-commit.js';
import { resolveTestCommand } from '../verify/test-command.js';
import { repoPath } from '../git/repos.js';
import { branchOf } from '../git/refs.js';
import { exposedTcpPorts, findImage, imageLayers, untagImage } from '../docker/images.js';
import { appUrl } from '../config.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { choosePort } from './app-port.js';
import { runtimeSettings } from './runtime-settings.js';
import { parseHealthchecks } from '../input/healthchecks.js';
import { formationFor, processCommands } from './procfile.js';
import { compareLayers, layersLine } from './layers.js';
import { swapRelease } from './swap-release.js';
import { collectImages } from './collect-images.js';
import { faultPoint } from '../fault-point.js';
import { provisionAddons } from '../backing/service-links.js';
import { reviewAppJson, reviewScript } from '../input/pipeline.js';

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

const formationText = (formation: Record<string, number>) =>
  Object.entries(formation)
    .map(([type, n]) => `${type}=${n}`)
    .join(' ');

/** The entries of `formation` whose process type `commands` still has. */
function keepTypes(formation: Record<string, number>, commands: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(formation).filter(([type]) => type in commands));
}

/** Heroku's release phase: the Procfile's `release` command, once, in a one-off container; failing aborts. */
export async function runReleaseCommand(
  services: ReleaseServices,
  imageId: string,
  command: string,
  config: Record<string, string>,
  app: string,
  out: LineSink,
): Promise<void> {
  out.step(`Running release command: ${command}`);
  const runtime = await runtimeSettings(services.db, app, services.config.defaultLimits);
  const { exitCode, output } = await services.scheduler.runOnce({ app, process: 'release', image: imageId, command, config, ...runtime.of('release') });
  out.detail(output);
  if (exitCode !== 0) throw new PaasError('PAAS_ERR_RELEASE_COMMAND_FAILED', `release command failed (exit ${exitCode}); nothing was deployed`);
}

/** A review app's postdeploy script: its failure is shown, and the review app stays (fix it and push again). */
async function runPostdeploy(services: ReleaseServices, imageId: string, command: string, config: Record<string, string>, app: string, out: LineSink) {
  out.step(`Running postdeploy: ${command}`);
  const runtime = await runtimeSettings(services.db, app, services.config.defaultLimits);
  const { exitCode, output } = await services.scheduler.runOnce({ app, process: 'postdeploy', image: imageId, command, config, ...runtime.of('release') });
  out.detail(output);
  if (exitCode !== 0) out.error(`postdeploy exited with ${exitCode}; the review app runs without it`);
}

/** Builds and releases one commit; resolves with the new release's version once it serves. */
/** A pushed commit to deploy, readable through the push's quarantine (`gitEnv`). */
export interface PushedCommit {
  app: string;
  ref: string;
  sha: string;
  gitEnv: GitObjectEnv;
  /** A review app: the parent app whose repository holds the commit (app.json `environments.review` applies). */
  reviewOf?: string;
  /** Why the tests are not run again (a CI run of this commit passed). */
  tested?: string;
}

export async function deployCommit(
  services: ReleaseServices,
  data: PushedCommit,
  out: LineSink,
  hooks: { released?: (files: AppFiles) => Promise<void> } = {},
): Promise<number> {
  const { config, db, docker } = services;
  const { app, sha } = data;
  const repo = repoPath(config.dataDir, data.reviewOf ?? app);
  const source = { repo, sha, gitEnv: data.gitEnv, cache: {} };

  const read = await readAppFiles(source);
  const files = data.reviewOf ? { ...read, appJson: reviewAppJson(read.appJson) } : read;
  // A cron list that cannot be scheduled fails the push before anything is built.
  parseCronEntries(files.appJson);

  const version = await nextReleaseVersion(db, app);
  const tag = imageTag(app, version);
  const buildStart = Date.now();
  faultPoint(config, 'building');
  const settings = await getApp(db, app);
  const runTests = async (testImageId: string, buildpack: string | undefined) => {
    faultPoint(config, 'testing');
    if (data.tested) out.step(data.tested);
    else await testCommit(services, { app, ref: data.ref, sha, imageId: testImageId, files, buildpack }, out, { gate: true });
  };
  let built: BuiltCommit;
  try {
    built = await buildCommit(
      services,
      source,
      {
        app,
        tag: tag.ref,
        labels: { [LABEL.app]: app, [LABEL.release]: String(version) },
        what: `${branchOf(data.ref) ?? data.ref} ${sha.slice(0, 7)}`,
        settings,
        testsWith: (buildpack) => resolveTestCommand(files, buildpack) !== undefined,
        // A buildpack's release stage (its prune step) is built while the tests run in the test stage's image.
        alongside: runTests,
      },
      out,
    );
    out.step(`Built ${tag.ref} in ${seconds(buildStart)} s`);
    if (!built.tested) await runTests(built.testImageId, built.buildpack);
  } finally {
    // The test stage's own tag, when the buildpack made one (it is not a release's image).
    await untagImage(docker, `${tag.ref}-test`);
  }
  const { imageId, defaults } = built;

  const previous = await activeRelease(db, app);
  // Heroku's app.json addons: provisioned and linked on the app's first deploy, before its release command runs.
  const appConfig = previous ? settings.config : await provisionAddons(services, app, files.appJson, settings.config, out);
  const layers = await imageLayers(docker, imageId);
  const diff = compareLayers(previous?.layers ?? [], layers);
  out.step(layersLine(diff));

  const commands = processCommands(files.procfile, defaults);
  const image = await findImage(docker, imageId);
  const runsSomething = Boolean(image?.Config?.Cmd?.length || image?.Config?.Entrypoint?.length);
  const bare = Object.entries(commands).find(([, command]) => command === null);
  if (bare && !runsSomething) {
    throw new PaasError(
      'PAAS_ERR_NO_PROCESSES',
      `the image has no CMD for ${bare[0]} to run: add CMD to the Dockerfile, or a Procfile line such as "${bare[0]}: ./server"`,
    );
  }
  const spec: ReleaseSpec = {
    commands,
    // A scale set earlier (ps:scale, before the first deploy too) carries over to the types the new release still has.
    formation: { ...formationFor(commands, files.appJson), ...keepTypes(previous?.spec.formation ?? settings.formation, commands) },
    healthchecks: parseHealthchecks(files.appJson),
    config: appConfig,
    port: choosePort({ ports: settings.ports, config: appConfig, exposed: exposedTcpPorts(image ?? {}) }).port,
    ...(settings.upstream ? { upstream: settings.upstream } : {}),
  };
  if (files.procfile?.release) await runReleaseCommand(services, imageId, files.procfile.release, spec.config, app, out);
  faultPoint(config, 'starting');
  await swapRelease(services, { app, version, imageId, sha, description: `Deploy ${sha.slice(0, 7)}`, spec, layers }, out);
  out.step(`Released v${version}`);
  // Heroku's review apps: app.json's postdeploy script, once, after the first deploy (seeding its fresh database).
  const postdeploy = data.reviewOf && !previous ? reviewScript(files.appJson, 'postdeploy') : undefined;
  if (postdeploy) await runPostdeploy(services, imageId, postdeploy, spec.config, app, out);
  const collected = await collectImages(services, app);
  if (collected.length) out.detail(`removed the images of ${collected.map((v) => `v${v}`).join(', ')} (keeping the last ${config.keepReleases} releases)`);
  await hooks.released?.(files);
  out.done(
    spec.formation.web
      ? `Application deployed: ${appUrl(config, app)}`
      : `Application deployed with no web process (${formationText(spec.formation)}): add one with paas ps:scale ${app} web=1`,
  );
  return version;
}
