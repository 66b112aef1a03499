// `paas ci:run APP [REF]`: a CI run of a pushed commit again, queued like a push's and followed to its end.
import type { Services } from '../services.js';
import { checkAppName } from '../input/app-name.js';
import { getApp } from '../store/apps.js';
import { repoPath } from '../git/repos.js';
import { runGit } from '../git/run-git.js';
import { runQueued } from './run-queued.js';
import { deleteCiRun, insertCiRun } from '../store/ci-runs.js';
import { ERROR, STEP } from '../log.js';
import { PaasError, asPaasError } from '../errors.js';

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
  ref: string | undefined,
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  try {
    const row = await getApp(services.db, checkAppName(app));
    const name = checkRefName(ref ?? row.deployBranch ?? 'main');
    const resolved = await runGit(['--git-dir', repoPath(services.config.dataDir, app), 'rev-parse', '--verify', '--quiet', `${name}^{commit}`], {
      allowFail: true,
    });
    const sha = resolved.stdout.toString().trim();
    if (resolved.code !== 0 || !sha) throw new PaasError('PAAS_ERR_INVALID_INPUT', `app "${app}" has no pushed branch, tag or commit "${name}"`);
    write(`${STEP}CI run of ${name} (${sha.slice(0, 7)})`);
    const fullRef = /^[0-9a-f]{7,64}$/.test(name) ? name : name.startsWith('refs/') ? name : `refs/heads/${name}`;
    const runId = await insertCiRun(services.db, { app, branch: name, sha, status: 'queued', command: null });
    const ok = await runQueued(services, { kind: 'ci', logId: `ci-${runId}`, runId, app, ref: fullRef, sha, gitEnv: {} }, write, signal, () =>
      deleteCiRun(services.db, runId),
    );
    return ok ? 0 : 1;
  } catch (err) {
    write(ERROR + asPaasError(err).message);
    return 1;
  }
}
