import test from 'ava';
import { parseEntry } from '../../../src/queue/job-log.js';
import { redisServerArgs } from '../../../src/queue/redis-server.js';

test('job log entries are lines, then one end with the outcome', (t) => {
  t.deepEqual(parseEntry(['line', '-----> Building']), { line: '-----> Building' });
  t.deepEqual(parseEntry(['end', '{"ok":false,"message":"boom"}']), { end: { ok: false, message: 'boom' } });
  t.is(parseEntry(['other', 'x']), undefined);
});

test('the embedded Redis listens on a socket only and keeps an append-only file', (t) => {
  const args = redisServerArgs('/data/redis', '/data/redis/redis.sock');
  const setting = (name: string) => args[args.indexOf(name) + 1];
  t.is(setting('--port'), '0');
  t.is(setting('--unixsocket'), '/data/redis/redis.sock');
  t.is(setting('--appendonly'), 'yes');
  t.is(setting('--dir'), '/data/redis');
});
