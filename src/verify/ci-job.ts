// A CI run of a commit that does not deploy: build it (same builders as a deploy), test it, record the result,
// and remove its image. The push that asked for it is accepted whatever the result.
import { LABEL } from '../docker/names.js';
import type { Services } from '../services.js';
import type { PushedCommit } from '../release/deploy.js';
import { buildCommit, readAppFiles } from '../build/build-commit.js';
import { untagImage } from '../docker/images.js';
import { repoPath } from '../git/repos.js';
import { getApp } from '../store/apps.js';
import { branchOf } from '../git/refs.js';
import { finishCiRun, updateCiRun, type CiStatus } from '../store/ci-runs.js';
import { asPaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { testCommit } from './test-commit.js';
import { ciImageTag } from '../docker/names.js';

/** Builds and tests the commit; resolves with the run's status (errored when it does not build). */
export async function runCiJob(services: Pick<Services, 'config' | 'db' | 'docker'>, job: PushedCommit & { runId: number }, out: LineSink): Promise<CiStatus> {
  const source = { repo: repoPath(services.config.dataDir, job.app), sha: job.sha, gitEnv: job.gitEnv, cache: {} };
  const tag = ciImageTag(job.app, job.sha);
  try {
    const files = await readAppFiles(source);
    await updateCiRun(services.db, job.runId, { status: 'running' });
    const started = Date.now();
    const what = `${branchOf(job.ref) ?? job.ref} ${job.sha.slice(0, 7)}`;
    const settings = await getApp(services.db, job.app);
    // Only what the tests run in: a CI run ships no image.
    const built = await buildCommit(
      services,
      source,
      { app: job.app, tag, labels: { [LABEL.app]: job.app, [LABEL.role]: 'ci' }, what, settings, testOnly: true },
      out,
    );
    out.step(`Built ${tag} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return await testCommit(services, { app: job.app, ref: job.ref, sha: job.sha, imageId: built.testImageId, files, buildpack: built.buildpack }, out, {
      gate: false,
      runId: job.runId,
    });
  } catch (err) {
    // A commit that does not even build is recorded as an errored run.
    const message = asPaasError(err).message;
    await finishCiRun(services.db, job.runId, { status: 'errored', log: message });
    out.error(`CI run errored: ${message}`);
    return 'errored';
  } finally {
    await untagImage(services.docker, tag).catch(() => undefined);
    await untagImage(services.docker, `${tag}-test`).catch(() => undefined);
  }
}
