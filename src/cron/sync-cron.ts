// After a release: the app's cron jobs become those of the app.json it deployed (kept ones keep their suspension
// and last run), and its schedules follow.
import type { Services } from '../services.js';
import { parseCronEntries } from '../input/cron.js';
import { listCronJobs, replaceCronJobs } from '../store/cron-jobs.js';
import type { LineSink } from '../log.js';

export async function syncCron(services: Pick<Services, 'cron' | 'db'>, app: string, appJson: unknown, out: LineSink): Promise<void> {
  const entries = parseCronEntries(appJson);
  if (!entries.length && !(await listCronJobs(services.db, app)).length) return;
  const { added, removed } = await replaceCronJobs(services.db, app, entries);
  const rows = await listCronJobs(services.db, app);
  await services.cron.set(app, rows);
  const changes = [...(added.length ? [`${added.length} new`] : []), ...(removed.length ? [`${removed.length} removed`] : [])];
  const suspended = rows.filter((r) => r.suspended).length;
  out.step(
    `Cron: ${rows.length} job${rows.length === 1 ? '' : 's'} from app.json${changes.length ? ` (${changes.join(', ')})` : ''}${suspended ? `, ${suspended} suspended` : ''}; see paas cron:list ${app}`,
  );
}

/** At start: every app's schedules as the store has them. */
export async function restoreCron(services: Pick<Services, 'cron' | 'db'>): Promise<void> {
  const rows = await listCronJobs(services.db);
  for (const app of new Set(rows.map((r) => r.app)))
    await services.cron.set(
      app,
      rows.filter((r) => r.app === app),
    );
}
