// The worker's processor: runs one queued job of an app (a push to deploy, a rollback, a CI run), writes its
// lines to the job log the push or command follows, records the build, and ends the log with the outcome.
import type { Services } from '../services.js';
import type { DeployJobData } from './deploy-queue.js';
import { appendJobLine, finishJobLog } from './job-log.js';
import { finishBuild, markBuildRunning } from '../store/builds.js';
import { deployCommit } from '../release/deploy.js';
import { rollbackRelease } from '../release/rollback.js';
import { changeConfig } from '../release/change-config.js';
import { scaleApp } from '../release/scale.js';
import { psAction, restartProcesses } from '../release/restart.js';
import { runCiJob } from '../verify/ci-job.js';
import { asPaasError } from '../errors.js';
import { daemonLog, lineSink } from '../log.js';
import { healApp } from '../release/heal.js';
import { withActor } from '../actor.js';
import { activeRelease } from '../store/releases.js';
import { setAppStopped } from '../store/apps.js';
import { appendHistory } from '../store/log-history.js';

/** Runs a queued job of an app (a push, a rollback, a config change, a CI run), ending the job log its caller follows with the outcome. */
export async function processJob(services: Services, data: DeployJobData): Promise<void> {
  return withActor(data.actor ?? 'paas', () => runJob(services, data));
}

async function runJob(services: Services, data: DeployJobData): Promise<void> {
  if (data.kind === 'heal') return runSteps(services, data);
  // Watched live (the dashboard): the job, each line and its outcome.
  services.activity.started({
    id: data.logId,
    app: data.app,
    kind: data.kind,
    ...(data.kind === 'deploy' ? { buildId: data.buildId } : {}),
    ...(data.kind === 'ci' ? { ciRunId: data.runId } : {}),
  });
  try {
    await runSteps(services, data);
    services.activity.ended(data.logId, true);
  } catch (err) {
    services.activity.ended(data.logId, false);
    throw err;
  }
}

async function runSteps(services: Services, data: DeployJobData): Promise<void> {
  const lines: string[] = [];
  // The steps of jobs that change what runs are kept in the app's log history, as Heroku's logs show releases.
  const kept = data.kind !== 'ci' && data.kind !== 'heal';
  const out = lineSink((line) => {
    lines.push(line);
    void appendJobLine(services.redis, data.logId, line);
    services.activity.line(data.logId, line);
    if (kept && /^(-----|=====| ! {5})/.test(line)) appendHistory(services.config.dataDir, data.app, [`${new Date().toISOString()} paas[deploy]: ${line}`]);
  });
  if (data.kind === 'deploy') await markBuildRunning(services.db, data.buildId);
  // Lifecycle events in the daemon log: deploy.started, deploy.succeeded, deploy.failed (and rollback.*, config.*, ...).
  const begin = Date.now();
  const event = (outcome: string, fields: Record<string, unknown> = {}) =>
    daemonLog(`${data.kind}.${outcome}`, { app: data.app, ...('sha' in data ? { sha: data.sha.slice(0, 12) } : {}), ...fields });
  if (data.kind !== 'heal') event('started');
  try {
    if (data.kind === 'rollback') {
      await rollbackRelease(services, data.app, data.version, out);
    } else if (data.kind === 'config') {
      await changeConfig(services, data.app, data, out);
    } else if (data.kind === 'scale') {
      await scaleApp(services, data.app, data.formation, out);
    } else if (data.kind === 'ps') {
      if (data.node) await restartProcesses(services, data.app, undefined, out, 'Moving', data.node);
      else await psAction(services, data.app, data.action, data.process, out);
    } else if (data.kind === 'heal') {
      const healed = await healApp(services, data.app, out, data.replaceRestarting === true);
      if (healed) daemonLog('app.healed', { app: data.app, replicas: healed, lines: lines.join(' | ') });
    } else if (data.kind === 'ci') {
      // The run's result is recorded and printed; the job fails only so that `paas ci:run` can exit non-zero.
      const status = await runCiJob(services, data, out);
      event('finished', { status, seconds: ((Date.now() - begin) / 1000).toFixed(1) });
      await services.webhooks.emit(data.app, 'ci', { run: data.runId, ref: data.ref, sha: data.sha, status });
      await finishJobLog(services.redis, data.logId, { ok: status === 'passed' || status === 'skipped' });
      return;
    } else {
      const version = await deployCommit(services, data, out);
      await finishBuild(services.db, data.buildId, { status: 'succeeded', log: lines.join('\n'), releaseVersion: version });
      await services.webhooks.emit(data.app, 'build', { build: data.buildId, ref: data.ref, sha: data.sha, status: 'succeeded', release: version });
      event('succeeded', { release: version, seconds: ((Date.now() - begin) / 1000).toFixed(1) });
    }
    if (data.kind !== 'deploy' && data.kind !== 'heal') event('succeeded', { seconds: ((Date.now() - begin) / 1000).toFixed(1) });
    if (data.kind === 'deploy' || data.kind === 'rollback' || data.kind === 'config' || data.kind === 'scale') await emitRelease(services, data.app);
    // ps:stop is remembered until something runs the app again (ps:start, a restart, a new release).
    const ranAgain =
      data.kind === 'ps' || data.kind === 'deploy' || data.kind === 'rollback' || data.kind === 'scale' || (data.kind === 'config' && data.restart);
    if (ranAgain) await setAppStopped(services.db, data.app, data.kind === 'ps' && data.action === 'stop');
    await finishJobLog(services.redis, data.logId, { ok: true });
  } catch (err) {
    const error = asPaasError(err);
    event('failed', { code: error.code, error: error.message });
    out.error(error.message);
    if (data.kind === 'deploy') {
      await finishBuild(services.db, data.buildId, { status: 'failed', log: lines.join('\n'), error: error.message });
      await services.webhooks.emit(data.app, 'build', { build: data.buildId, ref: data.ref, sha: data.sha, status: 'failed', error: error.message });
    }
    await finishJobLog(services.redis, data.logId, { ok: false, message: error.message });
    throw error;
  }
}

/** The `release` webhook event: the app's active release after a job that may have made one. */
async function emitRelease(services: Pick<Services, 'db' | 'webhooks'>, app: string): Promise<void> {
  const release = await activeRelease(services.db, app);
  if (release)
    await services.webhooks.emit(app, 'release', {
      version: release.version,
      description: release.description,
      sha: release.sha,
      by: release.actor,
      createdAt: release.createdAt,
    });
}
