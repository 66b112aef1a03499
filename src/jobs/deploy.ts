// The deploy job: a push's refs from the pre-receive hook are checked, the deploy branch is queued (other branches
// get a CI run), the push follows the job's log; the job builds, tests and releases the commit and records its build.
import type { Services } from '../services.js';
import { checkAppName } from '../input/app-name.js';
import { getApp } from '../store/apps.js';
import { deleteBuild, finishBuild, insertBuild, markBuildRunning } from '../store/builds.js';
import { deleteCiRun, insertCiRun } from '../store/ci-runs.js';
import { checkRefUpdate, decideRefAction, branchOf, type RefUpdate } from '../git/refs.js';
import { GIT_OBJECT_ENV_KEYS, type GitObjectEnv } from '../git/run-git.js';
import { checkRedis } from '../queue/connection.js';
import { runQueued } from '../queue/run-queued.js';
import type { JobKind } from './job.js';
import { deployCommit, type PushedCommit } from '../release/deploy.js';
import { syncCron } from '../cron/sync-cron.js';
import type { CiJob } from './ci.js';
import { reviewAfterCi, reviewBranchDeleted } from './review.js';
import { currentActor, withActor } from '../actor.js';
import { recordEvent } from '../store/events.js';
import { lineSink, STEP } from '../log.js';
import { PaasError, asPaasError } from '../errors.js';
import { checkPushPolicy } from '../git/push-policy.js';
import { diskBytes } from '../git/repo-size.js';
import { repoPath } from '../git/repos.js';

/** A push to deploy: the build row it reports to and the commit (release/deploy.ts's PushedCommit). */
export interface DeployJob extends PushedCommit {
  kind: 'deploy';
  logId: string;
  buildId: number;
  actor?: string;
}

export const deployJob: JobKind<DeployJob> = {
  queue: 'deploy',
  visible: true,
  history: true,
  activity: (data) => ({ buildId: data.buildId }),
  start: (services, data) => markBuildRunning(services.db, data.buildId),
  async run({ services, out, lines }, data) {
    const version = await deployCommit(services, data, out, { released: (files) => syncCron(services, data.app, files.appJson, out) });
    await finishBuild(services.db, data.buildId, { status: 'succeeded', log: lines.join('\n'), releaseVersion: version });
    await services.webhooks.emit(data.app, 'build', { build: data.buildId, ref: data.ref, sha: data.sha, status: 'succeeded', release: version });
    return { fields: { release: version } };
  },
  async failed({ services, lines }, data, error) {
    await finishBuild(services.db, data.buildId, { status: 'failed', log: lines.join('\n'), error });
    await services.webhooks.emit(data.app, 'build', { build: data.buildId, ref: data.ref, sha: data.sha, status: 'failed', error });
  },
  releases: () => true,
  stoppedAfter: () => false,
};

type PushDeps = Pick<
  Services,
  'certs' | 'ciQueues' | 'config' | 'cron' | 'dataPlane' | 'db' | 'docker' | 'pushLocks' | 'queues' | 'redis' | 'redisTarget' | 'scheduler'
>;

export interface PushRequest {
  app: string;
  refs: RefUpdate[];
  gitEnv: GitObjectEnv;
  /** The SSH session holding the app's push lock. */
  session?: string;
}

/** Checks a request from the hook: a valid app name, valid refs, and only git's object-directory variables. */
export function checkPushRequest(body: unknown): PushRequest {
  const raw = (body ?? {}) as Partial<PushRequest>;
  const app = checkAppName(String(raw.app ?? ''));
  if (!Array.isArray(raw.refs) || raw.refs.length === 0 || raw.refs.length > 1000) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'a push must update at least one ref');
  }
  const refs = raw.refs.map((r) => checkRefUpdate({ oldSha: String(r?.oldSha), newSha: String(r?.newSha), ref: String(r?.ref) }));
  const gitEnv: GitObjectEnv = {};
  for (const key of GIT_OBJECT_ENV_KEYS) {
    const value = raw.gitEnv?.[key];
    if (typeof value === 'string' && value.length < 4096) gitEnv[key] = value;
  }
  const session = typeof raw.session === 'string' && /^[0-9a-f-]{36}$/.test(raw.session) ? raw.session : undefined;
  return { app, refs, gitEnv, ...(session ? { session } : {}) };
}

/**
 * Handles one push: writes user-facing lines to `write` and resolves with the exit status for the hook
 * (0 accepts the push, anything else rejects it and leaves the refs where they were).
 */
export async function submitPush(services: PushDeps, request: PushRequest, write: (line: string) => void, signal: AbortSignal): Promise<number> {
  // The push is the key's that made it (the SSH gateway knows it by the session), not the hook's.
  const actor = services.pushLocks.actorOf(request.session) ?? currentActor() ?? 'unknown';
  return withActor(actor, async () => {
    for (const update of request.refs)
      await recordEvent(services.db, {
        actor,
        app: request.app,
        action: `push ${branchOf(update.ref) ?? update.ref} ${update.newSha.slice(0, 7)}`,
        detail: '',
      });
    return handlePush(services, request, write, signal);
  });
}

async function handlePush(services: PushDeps, request: PushRequest, write: (line: string) => void, signal: AbortSignal): Promise<number> {
  const out = lineSink(write);
  try {
    const app = await getApp(services.db, request.app);
    const repoBytes = await diskBytes(repoPath(services.config.dataDir, request.app));
    checkPushPolicy(request.refs, { admin: services.pushLocks.isAdmin(request.session) }, repoBytes, services.config.repoMaxBytes);
    if (!request.refs.some((update) => decideRefAction(update, app.deployBranch) === 'deploy')) services.pushLocks.releaseEarly(request.session);
    for (const update of request.refs) {
      const action = decideRefAction(update, app.deployBranch);
      const name = branchOf(update.ref) ?? update.ref;
      if (action === 'delete') {
        out.step(`Deleted ${name}; nothing deployed`);
        await reviewBranchDeleted(services, request.app, name, write);
        continue;
      }
      if (action === 'accept') {
        out.step(`Received ${name} (${update.newSha.slice(0, 7)}); nothing to build for it`);
        continue;
      }
      if (action === 'test') {
        out.step(`Received ${name} (${update.newSha.slice(0, 7)}); only ${app.deployBranch ?? 'main or master'} deploys, so this is a CI run`);
        await checkRedis(services.redis, services.redisTarget);
        const runId = await insertCiRun(services.db, { app: request.app, branch: name, sha: update.newSha, status: 'queued', command: null });
        const job: CiJob = { kind: 'ci', logId: `ci-${runId}`, runId, app: request.app, ref: update.ref, sha: update.newSha, gitEnv: request.gitEnv };
        const passed = await runQueued(services, services.ciQueues, job, write, signal, () => deleteCiRun(services.db, runId));
        await reviewAfterCi(
          services,
          request.app,
          { branch: name, ref: update.ref, sha: update.newSha, gitEnv: request.gitEnv },
          { runId, passed },
          write,
          signal,
        );
        continue;
      }
      if (!(await deployRef(services, request, update, write, signal))) return 1;
    }
    return 0;
  } catch (err) {
    out.error(asPaasError(err).message);
    return 1;
  }
}

async function deployRef(services: PushDeps, request: PushRequest, update: RefUpdate, write: (line: string) => void, signal: AbortSignal): Promise<boolean> {
  await checkRedis(services.redis, services.redisTarget);
  const { id: buildId, number } = await insertBuild(services.db, { app: request.app, ref: update.ref, sha: update.newSha });
  const job: DeployJob = { kind: 'deploy', logId: `build-${buildId}`, buildId, app: request.app, ref: update.ref, sha: update.newSha, gitEnv: request.gitEnv };
  write(`${STEP}Queued build ${number} of ${request.app}`);
  return runQueued(services, services.queues, job, write, signal, () => deleteBuild(services.db, buildId));
}
