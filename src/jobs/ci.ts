// The CI job: a commit built and tested in throwaway containers, its result recorded (a push of a branch that does
// not deploy queues one; `paas ci:run APP [REF]` runs one again, followed to its end).
import type { Services } from '../services.js';
import { checkAppName } from '../input/app-name.js';
import { getApp } from '../store/apps.js';
import { repoPath } from '../git/repos.js';
import { runGit } from '../git/run-git.js';
import { runQueued } from '../queue/run-queued.js';
import type { GitObjectEnv } from '../git/run-git.js';
import type { JobKind } from './job.js';
import { runCiJob } from '../verify/ci-job.js';
import { deleteCiRun, getCiRun, insertCiRun } from '../store/ci-runs.js';
import { ERROR, STEP } from '../log.js';
import { PaasError, asPaasError } from '../errors.js';

/** A CI run of a commit on a branch that does not deploy (or one asked for again with `paas ci:run`). */
export interface CiJob {
  kind: 'ci';
  logId: string;
  /** The ci_runs row, recorded as queued when the job was queued. */
  runId: number;
  app: string;
  ref: string;
  sha: string;
  gitEnv: GitObjectEnv;
  actor?: string;
}

export const ciJob: JobKind<CiJob> = {
  queue: 'ci',
  visible: true,
  history: false,
  activity: (data) => ({ ciRunId: data.runId }),
  async run({ services, out }, data) {
    // The run's result is recorded and printed; the job's log ends failed only so that `paas ci:run` exits non-zero.
    const status = await runCiJob(services, data, out);
    await services.webhooks.emit(data.app, 'ci', { run: data.runId, ref: data.ref, sha: data.sha, status });
    return { ok: status === 'passed' || status === 'skipped', outcome: 'finished', fields: { status } };
  },
};

/** Pure: a ref as a user may name it (a branch, a tag, a commit id); never an option or a path outside refs. */
export function checkRefName(ref: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/.test(ref) || ref.includes('..') || ref.endsWith('.lock')) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `not a branch, tag or commit: ${JSON.stringify(ref.slice(0, 60))}`);
  }
  return ref;
}

export async function submitCiRun(
  services: Pick<Services, 'ciQueues' | 'config' | 'db' | 'queues' | 'redis' | 'redisTarget'>,
  app: string,
  what: { ref?: string | undefined; run?: number | undefined },
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  try {
    const row = await getApp(services.db, checkAppName(app));
    // Heroku's ci:rerun: the same commit on the same branch as run N (the branch may have moved on since).
    const again = what.run !== undefined ? await getCiRun(services.db, row.name, what.run) : undefined;
    const name = again ? again.branch : checkRefName(what.ref ?? row.deployBranch ?? 'main');
    const resolved = await runGit(
      ['--git-dir', repoPath(services.config.dataDir, app), 'rev-parse', '--verify', '--quiet', `${again ? again.sha : name}^{commit}`],
      { allowFail: true },
    );
    const sha = resolved.stdout.toString().trim();
    if (resolved.code !== 0 || !sha)
      throw new PaasError('PAAS_ERR_INVALID_INPUT', `app "${app}" has no pushed branch, tag or commit "${again ? again.sha : name}"`);
    write(`${STEP}CI run of ${name} (${sha.slice(0, 7)})${again ? `, again as run ${again.number} was` : ''}`);
    const fullRef = /^[0-9a-f]{7,64}$/.test(name) ? name : name.startsWith('refs/') ? name : `refs/heads/${name}`;
    const runId = await insertCiRun(services.db, { app, branch: name, sha, status: 'queued', command: null });
    const ok = await runQueued(
      services,
      services.ciQueues,
      { kind: 'ci', logId: `ci-${runId}`, runId, app, ref: fullRef, sha, gitEnv: {} },
      write,
      signal,
      () => deleteCiRun(services.db, runId),
    );
    return ok ? 0 : 1;
  } catch (err) {
    write(ERROR + asPaasError(err).message);
    return 1;
  }
}
