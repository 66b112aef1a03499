// Orchestrates one push, the whole pipeline in one place:
//
//   pre-receive hook -> queue (per app, push order) -> build image -> start new container
//     -> wait until it answers -> swap routes -> record release -> stop old containers
//
// Any failure before the swap leaves the old release routed and serving, and rejects the push.
import type { Services } from '../services.js';
import type { DeployJobData } from '../queue/deploy-queue.js';
import { appendJobLine, finishJobLog } from '../queue/job-log.js';
import { finishBuild, markBuildRunning } from '../store/builds.js';
import { nextReleaseVersion, recordActiveRelease } from '../store/releases.js';
import { buildFromDockerfile, hasDockerfile, imageTag } from '../build/dockerfile-builder.js';
import { repoPath } from '../git/repos.js';
import { branchOf } from '../git/refs.js';
import { exposedTcpPorts, findImage } from '../docker/images.js';
import { containerLogTail, containerState, ensureNetwork, listAppContainers, removeContainer, runContainer, setRestartPolicy } from '../docker/containers.js';
import { appUrl } from '../config.js';
import { PaasError, asPaasError } from '../errors.js';
import { lineSink, type LineSink } from '../log.js';
import { choosePort, containerSpec, withoutRestarts } from './container-spec.js';
import { waitUntilAnswering } from './wait-until-answering.js';

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

/** Runs a queued push: deploys it, records the build and ends the job log the push is following. */
export async function runDeployJob(services: Services, data: DeployJobData): Promise<void> {
  const lines: string[] = [];
  const out = lineSink((line) => {
    lines.push(line);
    void appendJobLine(services.redis, data.buildId, line);
  });
  await markBuildRunning(services.db, data.buildId);
  try {
    const version = await deployCommit(services, data, out);
    await finishBuild(services.db, data.buildId, { status: 'succeeded', log: lines.join('\n'), releaseVersion: version });
    await finishJobLog(services.redis, data.buildId, { ok: true });
  } catch (err) {
    const error = asPaasError(err);
    out.error(error.message);
    await finishBuild(services.db, data.buildId, { status: 'failed', log: lines.join('\n'), error: error.message });
    await finishJobLog(services.redis, data.buildId, { ok: false, message: error.message });
    throw error;
  }
}

/** Builds and releases one commit; resolves with the new release's version once it serves. */
export async function deployCommit(services: Services, data: DeployJobData, out: LineSink): Promise<number> {
  const { config, db, docker, routes } = services;
  const { app, sha } = data;
  const repo = repoPath(config.dataDir, app);
  const source = { repo, sha, gitEnv: data.gitEnv };

  if (!(await hasDockerfile(source))) {
    throw new PaasError(
      'PAAS_ERR_NO_DOCKERFILE',
      `no Dockerfile at the root of ${sha.slice(0, 7)}: add one to deploy (apps without a Dockerfile need buildpacks, not supported yet)`,
    );
  }

  const version = await nextReleaseVersion(db, app);
  const tag = imageTag(app, version);
  out.step(`Building ${app} from Dockerfile (${branchOf(data.ref) ?? data.ref} ${sha.slice(0, 7)})`);
  const buildStart = Date.now();
  const imageId = await buildFromDockerfile(docker, { ...source, app, version }, (line) => out.detail(line));
  out.step(`Built ${tag.ref} in ${seconds(buildStart)} s`);

  const image = await findImage(docker, imageId);
  const port = choosePort(exposedTcpPorts(image ?? {}));
  await ensureNetwork(docker);
  const spec = containerSpec({ app, process: 'web', version, index: 1, image: imageId, port });
  out.step(`Starting web (${spec.name}) on port ${port}`);
  const startAt = Date.now();
  const started = await runContainer(docker, withoutRestarts(spec));
  const url = `http://${started.ip}:${port}`;
  out.detail(`container ${started.id.slice(0, 12)} running; waiting for it to answer`);
  try {
    await waitUntilAnswering({
      url: url + '/',
      port,
      deadlineMs: config.readyTimeoutMs,
      state: () => containerState(docker, started.id),
    });
  } catch (err) {
    const tail = await containerLogTail(docker, started.id, 20).catch(() => '');
    if (tail.trim()) {
      out.step('Last output of the new container:');
      out.detail(tail);
    }
    await removeContainer(docker, started.id, 0);
    throw new PaasError('PAAS_ERR_START_FAILED', `web did not start: ${asPaasError(err).message}; the previous release keeps serving`, {
      cause: err,
    });
  }
  await setRestartPolicy(docker, started.id, spec.HostConfig!.RestartPolicy!);
  out.step(`web answered on port ${port} after ${seconds(startAt)} s`);

  routes.swap(app, [{ url, container: started.name, release: version }]);
  await recordActiveRelease(db, { app, version, imageId, sha });
  out.step(`Released v${version}`);

  const old = (await listAppContainers(docker, app)).filter((c) => c.Labels['paas.release'] !== String(version));
  for (const container of old) await removeContainer(docker, container.Id, 10);
  if (old.length > 0) out.detail(`stopped ${old.length} container${old.length === 1 ? '' : 's'} of the previous release`);

  out.done(`Application deployed: ${appUrl(config, app)}`);
  return version;
}
