// cron:list, cron:run, cron:suspend, cron:resume (Dokku's cron, Heroku Scheduler): an app's scheduled commands from
// its app.json, each with its next run and last run; one run now, followed to its end; a schedule paused and resumed.
import { PaasError } from '../errors.js';
import { Streamed, type Route, type RouteContext } from './dispatch.js';
import { getCronJob, listCronJobs, setCronSuspended } from '../store/cron-jobs.js';
import { nextRun } from '../input/cron.js';
import { runCronJob } from '../cron/run-cron.js';
import { DONE, ERROR, STEP } from '../log.js';
import { APP, appOf } from './route-helpers.js';

const ID = '([0-9a-f]{10})';

/** The suspension of job `id`, stored and applied to its schedule. */
async function suspend(c: RouteContext, suspended: boolean) {
  const app = await appOf(c);
  const job = await getCronJob(c.services.db, app, c.params[1]!);
  await setCronSuspended(c.services.db, app, job.id, suspended);
  await c.services.cron.set(app, await listCronJobs(c.services.db, app));
  return { app, id: job.id, suspended };
}

export const CRON_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: new RegExp(`^/apps/${APP}/cron$`),
    scope: 'app',
    handler: async (c) =>
      (await listCronJobs(c.services.db, await appOf(c))).map((job) => ({
        ...job,
        state: job.suspended ? 'suspended' : 'scheduled',
        nextRunAt: job.suspended ? null : nextRun(job.schedule).toISOString(),
      })),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/apps/${APP}/cron/${ID}/run$`),
    scope: 'app',
    audit: (c) => `cron:run ${c.params[0] ?? ''} ${c.params[1] ?? ''}`,
    handler: async (c) => {
      const app = await appOf(c);
      const job = await getCronJob(c.services.db, app, c.params[1]!);
      return new Streamed(async (write) => {
        write(`${STEP}Running cron job ${job.id} of ${app}: ${job.command}`);
        const run = await runCronJob(c.services, app, job.id, true);
        if (!run) throw new PaasError('PAAS_ERR_NOT_FOUND', `cron job ${job.id} of ${app} is gone`);
        for (const line of run.lines) write(`       ${line}`);
        if (run.outcome === 'skipped') write(`${ERROR}a run of ${job.id} is still going and its concurrency_policy is forbid: not run`);
        else if (run.exitCode === 0) write(`${DONE}${run.dyno} exited with 0`);
        else write(`${ERROR}${run.dyno} exited with ${run.exitCode}`);
        return run.exitCode === 0 ? 0 : 1;
      });
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/apps/${APP}/cron/${ID}/suspend$`),
    scope: 'app',
    audit: (c) => `cron:suspend ${c.params[0] ?? ''} ${c.params[1] ?? ''}`,
    handler: (c) => suspend(c, true),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/apps/${APP}/cron/${ID}/resume$`),
    scope: 'app',
    audit: (c) => `cron:resume ${c.params[0] ?? ''} ${c.params[1] ?? ''}`,
    handler: (c) => suspend(c, false),
  },
];
