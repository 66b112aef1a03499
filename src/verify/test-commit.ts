// Runs a built commit's tests in a throwaway container: no network, no Docker socket, no production config, CPU
// and memory limits, a timeout; records the run, streams its output into the push, and (on the deploy branch)
// rejects the push when the tests fail.
import { LABEL } from '../docker/names.js';
import type { Services } from '../services.js';
import type { AppFiles } from '../build/build-commit.js';
import { runStreaming } from '../docker/containers.js';
import { branchOf } from '../git/refs.js';
import { ciRunNumber, finishCiRun, insertCiRun, updateCiRun, type CiStatus } from '../store/ci-runs.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { resolveTestCommand, testEnv } from './test-command.js';
import { requestedAddons } from './addons.js';
import { startRunServices, type RunServices } from './addon-services.js';

export interface TestSubject {
  app: string;
  ref: string;
  sha: string;
  imageId: string;
  files: AppFiles;
  buildpack?: string | undefined;
}

/** Pure: the test container: the commit's image, the test command, no network (or the run's own), limits, labelled. */
export function testContainerSpec(subject: TestSubject, command: string, env: Record<string, string>, runId: number, network = 'none') {
  return {
    Image: subject.imageId,
    Cmd: ['/bin/sh', '-c', command],
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: { [LABEL.app]: subject.app, [LABEL.role]: 'test', [LABEL.ciRun]: String(runId) },
    HostConfig: {
      NetworkMode: network,
      Init: true,
      Memory: 2 * 1024 * 1024 * 1024,
      NanoCpus: 1_000_000_000,
      PidsLimit: 1024,
    },
  };
}

/**
 * Tests `subject`; resolves with the run's status. With `gate`, a run that does not pass throws
 * PAAS_ERR_TESTS_FAILED so the push is rejected.
 */
export async function testCommit(
  services: Pick<Services, 'config' | 'db' | 'docker'>,
  subject: TestSubject,
  out: LineSink,
  options: { gate: boolean; runId?: number },
): Promise<CiStatus> {
  const command = resolveTestCommand(subject.files, subject.buildpack);
  const branch = branchOf(subject.ref) ?? subject.ref;
  const record = async (status: CiStatus, cmd: string | null): Promise<number> => {
    if (options.runId === undefined) return insertCiRun(services.db, { app: subject.app, branch, sha: subject.sha, status, command: cmd });
    await updateCiRun(services.db, options.runId, { status, command: cmd });
    return options.runId;
  };
  if (!command) {
    const id = await record('skipped', null);
    await finishCiRun(services.db, id, { status: 'skipped', log: '' });
    out.step('No test command (app.json environments.test.scripts.test or scripts.test); tests skipped');
    return 'skipped';
  }
  const runId = await record('running', command);
  out.step(`Running tests (CI run ${await ciRunNumber(services.db, runId)}): ${command}`);
  const log: string[] = [];
  const started = Date.now();
  let status: CiStatus;
  let exitCode: number | null = null;
  let addons: RunServices | undefined;
  try {
    addons = await startRunServices(services.docker, subject.app, runId, requestedAddons(subject.files.appJson), out);
    const result = await runStreaming(
      services.docker,
      testContainerSpec(subject, command, { ...testEnv(subject.files), ...addons.env }, runId, addons.network),
      (line) => {
        log.push(line);
        out.detail(line);
      },
      services.config.testTimeoutMs,
    );
    exitCode = result.exitCode;
    status = result.timedOut ? 'timed out' : result.exitCode === 0 ? 'passed' : 'failed';
  } catch (err) {
    log.push(`error: ${(err as Error).message}`);
    status = 'errored';
  } finally {
    await addons?.remove();
  }
  const durationMs = Date.now() - started;
  await finishCiRun(services.db, runId, { status, exitCode, durationMs, log: log.join('\n') });
  const summary =
    status === 'passed'
      ? `Tests passed in ${(durationMs / 1000).toFixed(1)} s`
      : status === 'timed out'
        ? `Tests timed out after ${Math.round(services.config.testTimeoutMs / 1000)} s`
        : status === 'failed'
          ? `Tests failed (exit ${exitCode})`
          : `Tests could not run: ${log[log.length - 1] ?? 'unknown error'}`;
  if (status === 'passed') out.step(summary);
  else if (options.gate) throw new PaasError('PAAS_ERR_TESTS_FAILED', `${summary}; nothing was deployed`);
  else out.error(summary);
  return status;
}
