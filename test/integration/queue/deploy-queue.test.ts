// Real Redis (the embedded supervised redis-server): per-app order, cross-app parallelism, no job dropped.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SupervisedRedis } from '../../../src/queue/redis-server.js';
import { redisOptions, connectRedis, checkRedis } from '../../../src/queue/connection.js';
import { DeployQueues, type QueuedJob } from '../../../src/queue/deploy-queue.js';
import { appendJobLine, finishJobLog, followJobLog } from '../../../src/queue/job-log.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-q-'));
const redis = new SupervisedRedis(dataDir);

test.before(async () => {
  await redis.start();
});

test.after.always(async () => {
  await redis.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.serial('pushes to one app run one at a time in push order; different apps run in parallel', async (t) => {
  const events: string[] = [];
  const running = new Map<string, number>();
  let maxSameApp = 0;
  let overlapAcrossApps = false;
  const done = new Set<number>();
  const queues = new DeployQueues(
    redisOptions({ socket: redis.socket }),
    async (job: QueuedJob) => {
      if (job.kind !== 'deploy') throw new Error('only deploys are queued here');
      const data = job as QueuedJob & { buildId: number };
      const n = (running.get(data.app) ?? 0) + 1;
      running.set(data.app, n);
      maxSameApp = Math.max(maxSameApp, n);
      if ([...running.entries()].filter(([, c]) => c > 0).length > 1) overlapAcrossApps = true;
      events.push(`${data.app}:${data.buildId}`);
      await sleep(150);
      running.set(data.app, (running.get(data.app) ?? 1) - 1);
      done.add(data.buildId);
    },
    2,
  );
  queues.ensureWorker('alpha');
  queues.ensureWorker('beta');
  const job = (buildId: number, app: string) => ({
    kind: 'deploy' as const,
    logId: `build-${buildId}`,
    buildId,
    app,
    ref: 'refs/heads/main',
    sha: 'a'.repeat(40),
    gitEnv: {},
  });
  for (const [id, app] of [
    [1, 'alpha'],
    [2, 'alpha'],
    [3, 'beta'],
    [4, 'alpha'],
    [5, 'beta'],
    [6, 'alpha'],
  ] as const) {
    await queues.enqueue(job(id, app));
  }
  const deadline = Date.now() + 20_000;
  while (done.size < 6 && Date.now() < deadline) await sleep(50);
  await queues.close();

  t.is(done.size, 6, 'every queued push ran');
  t.deepEqual(
    events.filter((e) => e.startsWith('alpha')),
    ['alpha:1', 'alpha:2', 'alpha:4', 'alpha:6'],
  );
  t.deepEqual(
    events.filter((e) => e.startsWith('beta')),
    ['beta:3', 'beta:5'],
  );
  t.is(maxSameApp, 1, 'never two jobs of one app at once');
  t.true(overlapAcrossApps, 'two apps built at the same time');
});

test.serial("an app's worker goes once its queue stayed empty and comes back with the next job; jobs queued while no daemon ran are resumed", async (t) => {
  const ran: number[] = [];
  const job = (buildId: number) => ({
    kind: 'deploy' as const,
    logId: `idle-${buildId}-${Date.now()}`,
    buildId,
    app: 'quiet',
    ref: 'refs/heads/main',
    sha: 'a'.repeat(40),
    gitEnv: {},
  });
  const queues = new DeployQueues(
    redisOptions({ socket: redis.socket }),
    async (data) => void ran.push((data as QueuedJob & { buildId: number }).buildId),
    2,
    'idle',
    1,
    300,
  );
  queues.ensureWorker('quiet');
  await queues.enqueue(job(1));
  for (let i = 0; i < 100 && (ran.length < 1 || queues.running > 0); i++) await sleep(50);
  t.deepEqual(ran, [1]);
  t.is(queues.running, 0, 'no worker is left for an app with nothing to do');
  queues.ensureWorker('quiet');
  await queues.enqueue(job(2));
  for (let i = 0; i < 100 && ran.length < 2; i++) await sleep(50);
  t.deepEqual(ran, [1, 2], 'the next job brought a worker back');
  await queues.close();

  // A job queued while no process worked the queue (the daemon was down) runs once the next one resumes.
  const offline = new DeployQueues(redisOptions({ socket: redis.socket }), undefined, 2, 'idle');
  await offline.enqueue(job(3));
  await offline.close();
  const next = new DeployQueues(
    redisOptions({ socket: redis.socket }),
    async (data) => void ran.push((data as QueuedJob & { buildId: number }).buildId),
    2,
    'idle',
    1,
    300,
  );
  await next.resume(['quiet', 'other']);
  for (let i = 0; i < 100 && ran.length < 3; i++) await sleep(50);
  t.deepEqual(ran, [1, 2, 3]);
  await next.close();
});

test.serial('a job log is followed live from the start to its outcome', async (t) => {
  const writer = connectRedis({ socket: redis.socket });
  const reader = connectRedis({ socket: redis.socket });
  const seen: unknown[] = [];
  const following = (async () => {
    for await (const entry of followJobLog(reader, 'build-42')) seen.push(entry);
  })();
  await appendJobLine(writer, 'build-42', '-----> one');
  await sleep(100);
  await appendJobLine(writer, 'build-42', '       two');
  await finishJobLog(writer, 'build-42', { ok: false, message: 'boom' });
  await following;
  writer.disconnect();
  reader.disconnect();
  t.deepEqual(seen, [{ line: '-----> one' }, { line: '       two' }, { end: { ok: false, message: 'boom' } }]);
});

test('an unreachable Redis is reported in one clear line', async (t) => {
  const target = { url: 'redis://127.0.0.1:1' };
  const conn = connectRedis(target);
  const error = await t.throwsAsync(checkRedis(conn, target, 500));
  conn.disconnect();
  t.is((error as { code?: string }).code, 'PAAS_ERR_QUEUE_UNAVAILABLE');
  t.regex(error!.message, /cannot reach the job queue \(Redis at redis:\/\/127\.0\.0\.1:1\)/);
});

test.serial('the embedded Redis is restarted when it dies', async (t) => {
  const conn = connectRedis({ socket: redis.socket });
  await conn.set('survives', 'yes');
  const pid = Number((await conn.info('server')).match(/process_id:(\d+)/)![1]);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  let answer: string | null = null;
  while (Date.now() < deadline) {
    try {
      answer = await conn.get('survives');
      const newPid = Number((await conn.info('server')).match(/process_id:(\d+)/)![1]);
      if (newPid !== pid) break;
    } catch {
      /* restarting */
    }
    await sleep(100);
  }
  conn.disconnect();
  t.is(answer, 'yes', 'data written before the crash is still there (append-only file)');
});

test.serial('a redis-server left behind by a killed daemon is shut down before a new one starts on its data dir', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-stray-'));
  const first = new SupervisedRedis(dataDir);
  await first.start();
  const conn = connectRedis({ socket: first.socket });
  await conn.set('kept', 'yes');
  const strayPid = Number((await conn.info('server')).match(/process_id:(\d+)/)![1]);
  conn.disconnect();
  // The daemon is gone without stopping its Redis (so nothing supervises it any more): a second daemon's
  // supervisor starts on the same data dir.
  (first as unknown as { stopping: boolean }).stopping = true;
  const second = new SupervisedRedis(dataDir);
  await second.start();
  t.throws(() => process.kill(strayPid, 0), undefined, 'the stray redis-server is gone');
  const again = connectRedis({ socket: second.socket });
  t.is(await again.get('kept'), 'yes', 'its data is in the append-only file the new one reads');
  again.disconnect();
  await second.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
