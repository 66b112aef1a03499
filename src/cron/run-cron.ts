// One run of an app's cron job: a one-off container of the active release (`sh -c COMMAND`, the app's config,
// DYNO=cron.N), whose output goes to the app's log history as app[cron.N] and whose exit status is recorded. Runs
// of one job never overlap under concurrency_policy forbid (a run due meanwhile is skipped) and replace the running
// one under replace.
import crypto from 'node:crypto';
import type { Services } from '../services.js';
import { activeRelease } from '../store/releases.js';
import { findApp } from '../store/apps.js';
import { getCronJob, recordCronEnd, recordCronStart } from '../store/cron-jobs.js';
import { appendHistory, HISTORY_LINES } from '../store/log-history.js';
import { ensureAppNetwork, removeContainer } from '../docker/containers.js';
import { replicaOutput } from '../docker/logs.js';
import { oneOffSpec } from '../release/one-off.js';
import { runtimeSettings } from '../release/runtime-settings.js';
import { daemonLog } from '../log.js';
import { PaasError } from '../errors.js';

type Deps = Pick<Services, 'config' | 'db' | 'docker'>;

/** The containers of the runs going now, by app and job id (one daemon runs an app's cron jobs). */
const running = new Map<string, Set<string>>();

export interface CronRun {
  dyno: string;
  exitCode: number | null;
  outcome: 'succeeded' | 'failed' | 'skipped';
  lines: string[];
}

/** Runs job `id` of `app` once (`manual`: cron:run, which runs a suspended job too); resolves when it ended. */
export async function runCronJob(services: Deps, app: string, id: string, manual: boolean): Promise<CronRun | undefined> {
  if (!(await findApp(services.db, app))) return undefined;
  const job = await getCronJob(services.db, app, id).catch(() => undefined);
  if (!job || (job.suspended && !manual)) return undefined;
  const key = `${app}/${id}`;
  const going = running.get(key) ?? new Set<string>();
  running.set(key, going);
  if (going.size && job.concurrency === 'forbid') {
    daemonLog('cron.skipped', { app, id, reason: 'a run is still going (concurrency_policy forbid)' });
    return { dyno: '', exitCode: null, outcome: 'skipped', lines: [] };
  }
  if (going.size && job.concurrency === 'replace') for (const container of going) await removeContainer(services.docker, container, 10).catch(() => undefined);
  const release = await activeRelease(services.db, app);
  if (!release) throw new PaasError('PAAS_ERR_INVALID_INPUT', `app "${app}" has no release to run cron job ${id} with: deploy it first`);
  const runtime = (await runtimeSettings(services.db, app, services.config.defaultLimits)).of('cron');
  const replica = crypto.randomInt(1e9);
  await ensureAppNetwork(services.docker, app, services.config.appNetworks);
  const spec = oneOffSpec(release, ['/bin/sh', '-c', job.command], replica, runtime, false, services.config.appNetworks.driver, 'cron');
  const container = await services.docker.createContainer(spec);
  going.add(container.id);
  const run = await recordCronStart(services.db, app, id);
  daemonLog('cron.started', { app, id, run, dyno: `cron.${replica}` });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const kept = await replicaOutput(services.docker, container.id, HISTORY_LINES).catch(() => undefined);
    if (kept) appendHistory(services.config.dataDir, app, kept.lines);
    const outcome = StatusCode === 0 ? 'succeeded' : 'failed';
    await recordCronEnd(services.db, app, id, { exitCode: StatusCode, outcome });
    daemonLog('cron.finished', { app, id, run, exit: StatusCode });
    return { dyno: `cron.${replica}`, exitCode: StatusCode, outcome, lines: kept?.lines ?? [] };
  } finally {
    going.delete(container.id);
    if (!going.size) running.delete(key);
    await removeContainer(services.docker, container.id, 0).catch(() => undefined);
  }
}
