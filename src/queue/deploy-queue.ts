// Per-app BullMQ queues: one queue per app with one worker slot, so one app's pushes run one at a time in push order.
import { Queue, Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { Mutex, Semaphore } from 'async-mutex';
import { daemonLog } from '../log.js';

/** What the queue plumbing knows of a job: its kind, the log its caller follows, its app, and who asked for it. */
export interface QueuedJob {
  kind: string;
  logId: string;
  app: string;
  /** A key's or token's name; none for the daemon's own healing. */
  actor?: string;
}

/** BullMQ refuses ':' in names and ids; app names are DNS labels, so these never contain one. */
export function queueName(family: string, app: string): string {
  return `${family}-${app}`;
}

export function jobId(data: QueuedJob): string {
  return data.logId;
}

export type DeployProcessor = (data: QueuedJob) => Promise<void>;

/** How long an app's worker waits for another job after its queue ran dry before it goes (the next job brings it back). */
export const WORKER_IDLE_MS = 30_000;

/**
 * The queues and workers of every app, one family of queues per purpose ("deploy": one job of an app at a time,
 * in order; "ci": a few test runs of an app at once). Different apps run in parallel up to `concurrency`. The
 * queues share one Redis connection; an app's worker (with its own blocking connection) runs only while the app
 * has jobs, and goes once its queue stayed empty for `idleMs`: a daemon with many quiet apps holds no connection
 * or worker per app.
 */
export class DeployQueues {
  private readonly queues = new Map<string, Queue<QueuedJob>>();
  private readonly workers = new Map<string, { worker: Worker<QueuedJob>; idle?: NodeJS.Timeout }>();
  private readonly slots: Semaphore;
  /** One job of an app at a time even while a worker that is going and its successor overlap. */
  private readonly appLocks = new Map<string, Mutex>();
  private shared: Redis | undefined;

  constructor(
    private readonly connection: RedisOptions,
    private readonly processor: DeployProcessor | undefined,
    concurrency: number,
    private readonly family = 'deploy',
    private readonly perApp = 1,
    private readonly idleMs = WORKER_IDLE_MS,
  ) {
    this.slots = new Semaphore(concurrency);
  }

  private client(): Redis {
    if (!this.shared) {
      this.shared = new Redis(this.connection);
      this.shared.on('error', () => {});
    }
    return this.shared;
  }

  private queue(app: string): Queue<QueuedJob> {
    let queue = this.queues.get(app);
    if (!queue) {
      queue = new Queue<QueuedJob>(queueName(this.family, app), { connection: this.client() });
      queue.on('error', () => {});
      this.queues.set(app, queue);
    }
    return queue;
  }

  /** Adds a push to its app's queue, behind any earlier one; resolves with how many jobs of the app are ahead of it. */
  async enqueue(data: QueuedJob): Promise<number> {
    const queue = this.queue(data.app);
    await queue.add(data.kind, data, {
      jobId: jobId(data),
      attempts: 1,
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
    const counts = await queue.getJobCounts('active', 'waiting');
    return Math.max(0, (counts.active ?? 0) + (counts.waiting ?? 0) - this.perApp);
  }

  /** The app's jobs waiting and running now (for the metrics). */
  async depth(app: string): Promise<{ waiting: number; active: number }> {
    const counts = await this.queue(app).getJobCounts('active', 'waiting');
    return { waiting: counts.waiting ?? 0, active: counts.active ?? 0 };
  }

  /** Starts the worker of every app that has jobs waiting (left queued while the daemon was down). */
  async resume(apps: string[]): Promise<void> {
    for (const app of apps) {
      if ((await this.depth(app)).waiting > 0) this.ensureWorker(app);
      else {
        // Nothing to resume: no queue object kept for a quiet app (the next job makes one again).
        const queue = this.queues.get(app);
        this.queues.delete(app);
        await queue?.close();
      }
    }
  }

  /** The number of apps whose worker runs now. */
  get running(): number {
    return this.workers.size;
  }

  /** Starts the app's worker when this process works jobs and it is not running yet (call before enqueueing). */
  ensureWorker(app: string): void {
    const processor = this.processor;
    const running = this.workers.get(app);
    if (running) {
      clearTimeout(running.idle);
      running.idle = undefined;
      return;
    }
    if (!processor) return;
    let lock = this.appLocks.get(app);
    if (!lock) this.appLocks.set(app, (lock = new Mutex()));
    const serial = this.perApp === 1 ? lock : undefined;
    const work = (job: Job<QueuedJob>) => this.slots.runExclusive(() => processor(job.data));
    const worker = new Worker<QueuedJob>(queueName(this.family, app), async (job) => (serial ? serial.runExclusive(() => work(job)) : work(job)), {
      connection: this.client(),
      concurrency: this.perApp,
      maxStalledCount: 0,
    });
    worker.on('error', (err) => daemonLog('worker.error', { app, error: err }));
    const entry: { worker: Worker<QueuedJob>; idle?: NodeJS.Timeout } = { worker };
    worker.on('active', () => {
      clearTimeout(entry.idle);
      entry.idle = undefined;
    });
    worker.on('drained', () => {
      clearTimeout(entry.idle);
      entry.idle = setTimeout(() => {
        if (this.workers.get(app) !== entry) return;
        this.workers.delete(app);
        void worker.close().catch(() => undefined);
      }, this.idleMs);
      entry.idle.unref();
    });
    this.workers.set(app, entry);
  }

  /** Stops and forgets an app's worker and queue, removing its queued jobs. */
  async remove(app: string): Promise<void> {
    const entry = this.workers.get(app);
    clearTimeout(entry?.idle);
    await entry?.worker.close();
    this.workers.delete(app);
    this.appLocks.delete(app);
    const queue = this.queue(app);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    this.queues.delete(app);
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.workers.values()].map((w) => {
        clearTimeout(w.idle);
        return w.worker.close();
      }),
    );
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.shared?.disconnect();
  }
}
