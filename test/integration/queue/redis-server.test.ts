// The embedded Redis is brought back when it cannot be reached, not only when it exits.
import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SupervisedRedis } from '../../../src/queue/redis-server.js';

const connects = (socket: string) =>
  new Promise<boolean>((resolve) => {
    const conn = net.connect(socket);
    conn.once('connect', () => (conn.destroy(), resolve(true)));
    conn.once('error', () => resolve(false));
  });

test('a redis-server whose socket was deleted (a mistaken second start did that) is restarted and reachable again', async (t) => {
  const redis = new SupervisedRedis(fs.mkdtempSync(path.join(os.tmpdir(), 'paas-redis-')));
  await redis.start();
  t.teardown(() => redis.stop());
  fs.rmSync(redis.socket);
  t.false(await connects(redis.socket));
  const deadline = Date.now() + 30_000;
  while (!(await connects(redis.socket)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  t.true(await connects(redis.socket), 'reachable again within 30 s');
});
