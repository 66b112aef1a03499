// Review apps on a push: a branch pushed to a pipeline's staging app whose CI passed is deployed to its review app
// (made first when the pipeline autodeploys) through the deploy job, from the parent's repository; the push
// returns once it serves. A deleted branch takes its review app with it.
import type { Services } from '../services.js';
import type { GitObjectEnv } from '../git/run-git.js';
import { checkRedis } from '../queue/connection.js';
import { runQueued } from '../queue/run-queued.js';
import { deleteBuild, insertBuild } from '../store/builds.js';
import { ciRunNumber } from '../store/ci-runs.js';
import { findReviewApp, markReviewDeployed } from '../store/review-apps.js';
import type { PipelineRow } from '../store/pipelines.js';
import { destroyReviewApp, ensureReviewApp, reviewPipelineOf } from '../review/review-apps.js';
import { lineSink, STEP } from '../log.js';
import { asPaasError } from '../errors.js';
import type { DeployJob } from './deploy.js';

type Deps = Pick<Services, 'certs' | 'ciQueues' | 'config' | 'cron' | 'dataPlane' | 'db' | 'docker' | 'queues' | 'redis' | 'redisTarget' | 'scheduler'>;

export interface BranchCommit {
  branch: string;
  ref: string;
  sha: string;
  gitEnv: GitObjectEnv;
}

/** Deploys `commit` of `parent` to its review app (made when missing); resolves with whether it serves. */
export async function deployReviewApp(
  services: Deps,
  pipeline: PipelineRow,
  parent: string,
  commit: BranchCommit,
  tested: string | undefined,
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<boolean> {
  const out = lineSink(write);
  try {
    const { row } = await ensureReviewApp(services, pipeline, parent, commit.branch, commit, out);
    await checkRedis(services.redis, services.redisTarget);
    const { id: buildId, number } = await insertBuild(services.db, { app: row.app, ref: commit.ref, sha: commit.sha });
    const job: DeployJob = {
      kind: 'deploy',
      logId: `build-${buildId}`,
      buildId,
      app: row.app,
      ref: commit.ref,
      sha: commit.sha,
      gitEnv: commit.gitEnv,
      reviewOf: parent,
    };
    write(`${STEP}Queued build ${number} of review app ${row.app}`);
    const ok = await runQueued(services, services.queues, tested ? { ...job, tested } : job, write, signal, () => deleteBuild(services.db, buildId));
    if (ok) await markReviewDeployed(services.db, row.app, commit.sha);
    return ok;
  } catch (err) {
    out.error(asPaasError(err).message);
    return false;
  }
}

/** After a branch's CI run on the parent: its review app gets the commit when one exists or the pipeline autodeploys. */
export async function reviewAfterCi(
  services: Deps,
  parent: string,
  commit: BranchCommit,
  ci: { runId: number; passed: boolean },
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const pipeline = await reviewPipelineOf(services, parent);
  if (!pipeline) return;
  const existing = await findReviewApp(services.db, { parent, branch: commit.branch });
  if (!existing && !pipeline.review.autodeploy) return;
  const out = lineSink(write);
  if (!ci.passed) {
    out.step(
      existing
        ? `CI of ${commit.branch} did not pass: review app ${existing.app} keeps what it runs`
        : `CI of ${commit.branch} did not pass: no review app made`,
    );
    return;
  }
  const tested = `Tests of ${commit.sha.slice(0, 7)} passed in CI run ${await ciRunNumber(services.db, ci.runId)} of ${parent}; not run again`;
  await deployReviewApp(services, pipeline, parent, commit, tested, write, signal);
}

/** A deleted branch of `parent`: its review app, if any, goes with everything it had. */
export async function reviewBranchDeleted(services: Deps, parent: string, branch: string, write: (line: string) => void): Promise<void> {
  const row = await findReviewApp(services.db, { parent, branch });
  if (row) await destroyReviewApp(services, row.app, lineSink(write));
}
