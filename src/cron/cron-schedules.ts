// The cron jobs' schedules: one BullMQ job scheduler per app and job (its cron pattern, UTC), kept in Redis and
// made again from the store at every start, so they survive daemon restarts; a worker runs what falls due.
import { Queue, Worker } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import type { CronEntry } from '../input/cron.js';
import { daemonLog } from '../log.js';

const QUEUE = 'cron';
/** How many cron runs of all apps may run at once. */
const CONCURRENCY = 4;

export interface CronFire {
  app: string;
  id: string;
}

const schedulerId = (app: string, id: string) => `${app}.${id}`;

export class CronSchedules {
  private readonly queue: Queue<CronFire>;
  private worker: Worker<CronFire> | undefined;
  private ready = false;

  constructor(
    private readonly connection: RedisOptions,
    private readonly run: (fire: CronFire) => Promise<void>,
  ) {
    this.queue = new Queue<CronFire>(QUEUE, { connection });
    this.queue.on('error', () => {});
  }

  /** From now on what falls due runs; the worker (with its Redis connection) runs only while some schedule exists. */
  async start(): Promise<void> {
    this.ready = true;
    if ((await this.queue.getJobSchedulersCount()) > 0) this.ensureWorker();
  }

  private ensureWorker(): void {
    if (this.worker || !this.ready) return;
    this.worker = new Worker<CronFire>(QUEUE, (job) => this.run(job.data), { connection: this.connection, concurrency: CONCURRENCY });
    this.worker.on('error', (err) => daemonLog('cron.worker.error', { error: err }));
    this.worker.on('failed', (job, err) => daemonLog('cron.failed', { app: job?.data.app, id: job?.data.id, error: err.message }));
  }

  /** Makes `app`'s schedules those of `entries` (the suspended ones have none). */
  async set(app: string, entries: (CronEntry & { suspended?: boolean })[]): Promise<void> {
    const wanted = new Set(entries.filter((e) => !e.suspended).map((e) => schedulerId(app, e.id)));
    for (const scheduler of await this.queue.getJobSchedulers(0, -1)) {
      const key = scheduler.key;
      if (key.startsWith(`${app}.`) && !wanted.has(key)) await this.queue.removeJobScheduler(key);
    }
    for (const entry of entries.filter((e) => !e.suspended))
      await this.queue.upsertJobScheduler(
        schedulerId(app, entry.id),
        { pattern: entry.schedule, tz: 'UTC' },
        { name: 'cron', data: { app, id: entry.id }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    if (entries.some((e) => !e.suspended)) this.ensureWorker();
  }

  async remove(app: string): Promise<void> {
    await this.set(app, []);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
