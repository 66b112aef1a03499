// Orchestrates one push, the whole pipeline in one place:
//
//   pre-receive hook -> queue (per app, push order) -> build image (Dockerfile, else a buildpack)
//     -> release command (Procfile `release:`), if any
//     -> release spec (Procfile, app.json, config) -> swap (start new, health checks, route, drain, stop old)
//     -> garbage-collect old images
//
// Any failure before the route swap leaves the old release routed and serving, and rejects the push.
import type { Services } from '../services.js';
import type { DeployJob, DeployJobData } from '../queue/deploy-queue.js';
import { appendJobLine, finishJobLog } from '../queue/job-log.js';
import { finishBuild, markBuildRunning } from '../store/builds.js';
import { activeRelease, nextReleaseVersion, type ReleaseSpec } from '../store/releases.js';
import { buildFromDockerfile, hasDockerfile, imageTag } from '../build/dockerfile-builder.js';
import { buildWithBuildpack } from '../build/buildpack-builder.js';
import { NETWORK, runToCompletion } from '../docker/containers.js';
import { repoPath } from '../git/repos.js';
import { readFileAtCommit, type ReadCache } from '../git/read-commit.js';
import { branchOf } from '../git/refs.js';
import { exposedTcpPorts, findImage, imageLayers } from '../docker/images.js';
import { appUrl } from '../config.js';
import { PaasError, asPaasError } from '../errors.js';
import { lineSink, type LineSink } from '../log.js';
import { choosePort } from './container-spec.js';
import { parseHealthchecks, parseJsonFile } from './healthchecks.js';
import { formationFor, parseProcfile, processCommands } from './procfile.js';
import { compareLayers, formatBytes } from './layers.js';
import { swapRelease } from './swap.js';
import { rollbackRelease } from './rollback.js';
import { collectImages } from './collect-images.js';

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

/** Runs a queued job of an app (a push or a rollback), ending the job log its caller follows with the outcome. */
export async function runAppJob(services: Services, data: DeployJobData): Promise<void> {
  const lines: string[] = [];
  const out = lineSink((line) => {
    lines.push(line);
    void appendJobLine(services.redis, data.logId, line);
  });
  if (data.kind === 'deploy') await markBuildRunning(services.db, data.buildId);
  try {
    if (data.kind === 'rollback') {
      await rollbackRelease(services, data.app, data.version, out);
    } else {
      const version = await deployCommit(services, data, out);
      await finishBuild(services.db, data.buildId, { status: 'succeeded', log: lines.join('\n'), releaseVersion: version });
    }
    await finishJobLog(services.redis, data.logId, { ok: true });
  } catch (err) {
    const error = asPaasError(err);
    out.error(error.message);
    if (data.kind === 'deploy') await finishBuild(services.db, data.buildId, { status: 'failed', log: lines.join('\n'), error: error.message });
    await finishJobLog(services.redis, data.logId, { ok: false, message: error.message });
    throw error;
  }
}

interface Source {
  repo: string;
  sha: string;
  gitEnv: DeployJob['gitEnv'];
  cache: ReadCache;
}

/** The commit's Procfile and app.json, checked before anything is built. */
async function readAppFiles(source: Source): Promise<{ procfile?: Record<string, string>; appJson?: unknown }> {
  const [procfileText, appJsonText] = await Promise.all([
    readFileAtCommit(source.repo, source.sha, 'Procfile', source.gitEnv, source.cache),
    readFileAtCommit(source.repo, source.sha, 'app.json', source.gitEnv, source.cache),
  ]);
  return {
    ...(procfileText ? { procfile: parseProcfile(procfileText.toString('utf8')) } : {}),
    ...(appJsonText ? { appJson: parseJsonFile(appJsonText.toString('utf8'), 'app.json') } : {}),
  };
}

/** Heroku's release phase: the Procfile's `release` command, once, in a one-off container; failing aborts. */
async function runReleaseCommand(services: Services, imageId: string, command: string, config: Record<string, string>, app: string, out: LineSink): Promise<void> {
  out.step(`Running release command: ${command}`);
  const { exitCode, output } = await runToCompletion(services.docker, {
    Image: imageId,
    Cmd: ['/bin/sh', '-c', command],
    Env: Object.entries(config).map(([k, v]) => `${k}=${v}`),
    Labels: { 'paas.app': app, 'paas.process': 'release' },
    HostConfig: { NetworkMode: NETWORK, Init: true },
  });
  out.detail(output);
  if (exitCode !== 0) throw new PaasError('PAAS_ERR_RELEASE_COMMAND_FAILED', `release command failed (exit ${exitCode}); nothing was deployed`);
}

/** Builds and releases one commit; resolves with the new release's version once it serves. */
export async function deployCommit(services: Services, data: DeployJob, out: LineSink): Promise<number> {
  const { config, db, docker } = services;
  const { app, sha } = data;
  const repo = repoPath(config.dataDir, app);
  const source = { repo, sha, gitEnv: data.gitEnv, cache: {} };

  const dockerfile = await hasDockerfile(source);
  const files = await readAppFiles(source);

  const version = await nextReleaseVersion(db, app);
  const tag = imageTag(app, version);
  const label = `${branchOf(data.ref) ?? data.ref} ${sha.slice(0, 7)}`;
  const buildStart = Date.now();
  let imageId: string;
  let defaults: Record<string, string> | 'dockerfile' = 'dockerfile';
  if (dockerfile) {
    out.step(`Building ${app} from Dockerfile (${label})`);
    imageId = await buildFromDockerfile(docker, { ...source, app, version }, (line) => out.detail(line));
  } else {
    out.step(`Building ${app} with a buildpack (${label})`);
    const built = await buildWithBuildpack(docker, { ...source, app, version }, config.installDir, out);
    imageId = built.imageId;
    defaults = built.defaultProcessTypes;
  }
  out.step(`Built ${tag.ref} in ${seconds(buildStart)} s`);

  const previous = await activeRelease(db, app);
  const layers = await imageLayers(docker, imageId);
  const diff = compareLayers(previous?.layers ?? [], layers);
  out.step(`Layers: ${diff.reused} reused, ${diff.added.length} new (${formatBytes(diff.newBytes)})`);

  const commands = processCommands(files.procfile, defaults);
  const image = await findImage(docker, imageId);
  const spec: ReleaseSpec = {
    commands,
    formation: formationFor(commands, files.appJson),
    healthchecks: parseHealthchecks(files.appJson),
    config: previous?.spec.config ?? {},
    port: choosePort(exposedTcpPorts(image ?? {})),
  };
  if (files.procfile?.release) await runReleaseCommand(services, imageId, files.procfile.release, spec.config, app, out);
  await swapRelease(services, { app, version, imageId, sha, description: `Deploy ${sha.slice(0, 7)}`, spec, layers }, out);
  out.step(`Released v${version}`);
  const collected = await collectImages(services, app);
  if (collected.length) out.detail(`removed the images of ${collected.map((v) => `v${v}`).join(', ')} (keeping the last ${config.keepReleases} releases)`);
  out.done(`Application deployed: ${appUrl(config, app)}`);
  return version;
}
