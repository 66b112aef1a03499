// The worker's processor: runs one queued job of an app by its kind (table.ts), writes its lines to the job log the
// push or command follows, and records around it what every kind shares: the dashboard's activity, the app's log
// history, the daemon log's lifecycle events, the `release` webhook, and whether the app is stopped.
import type { Services } from '../services.js';
import type { JobContext } from './job.js';
import { jobKind, type JobData } from './table.js';
import { appendJobLine, finishJobLog } from '../queue/job-log.js';
import { asPaasError } from '../errors.js';
import { daemonLog, lineSink } from '../log.js';
import { withActor } from '../actor.js';
import { activeRelease } from '../store/releases.js';
import { setAppStopped } from '../store/apps.js';
import { appendHistory } from '../store/log-history.js';

/** Runs a queued job of an app, ending the job log its caller follows with the outcome. */
export async function processJob(services: Services, data: JobData): Promise<void> {
  return withActor(data.actor ?? 'paas', () => runJob(services, data));
}

async function runJob(services: Services, data: JobData): Promise<void> {
  const kind = jobKind(data);
  if (!kind.visible) return runSteps(services, data);
  // Watched live (the dashboard): the job, each line and its outcome.
  services.activity.started({ id: data.logId, app: data.app, kind: data.kind, ...kind.activity?.(data) });
  try {
    await runSteps(services, data);
    services.activity.ended(data.logId, true);
  } catch (err) {
    services.activity.ended(data.logId, false);
    throw err;
  }
}

async function runSteps(services: Services, data: JobData): Promise<void> {
  const kind = jobKind(data);
  const lines: string[] = [];
  const out = lineSink((line) => {
    lines.push(line);
    void appendJobLine(services.redis, data.logId, line);
    services.activity.line(data.logId, line);
    if (kind.history && /^(-----|=====| ! {5})/.test(line))
      appendHistory(services.config.dataDir, data.app, [`${new Date().toISOString()} paas[deploy]: ${line}`]);
  });
  const context: JobContext = { services, out, lines };
  // Lifecycle events in the daemon log: deploy.started, deploy.succeeded, deploy.failed (and rollback.*, config.*, ...).
  const begin = Date.now();
  // The daemon's own jobs (heal) log only their failures.
  const event = (outcome: string, fields: Record<string, unknown> = {}) => {
    if (kind.visible || outcome === 'failed')
      daemonLog(`${data.kind}.${outcome}`, { app: data.app, ...('sha' in data ? { sha: data.sha.slice(0, 12) } : {}), ...fields });
  };
  await kind.start?.(services, data);
  event('started');
  try {
    const result = (await kind.run(context, data)) ?? {};
    event(result.outcome ?? 'succeeded', { ...result.fields, seconds: ((Date.now() - begin) / 1000).toFixed(1) });
    if (kind.releases?.(data)) await emitRelease(services, data.app);
    const stopped = kind.stoppedAfter?.(data);
    if (stopped !== undefined) await setAppStopped(services.db, data.app, stopped);
    await finishJobLog(services.redis, data.logId, { ok: result.ok ?? true });
  } catch (err) {
    const error = asPaasError(err);
    event('failed', { code: error.code, error: error.message });
    out.error(error.message);
    await kind.failed?.(context, data, error.message);
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
