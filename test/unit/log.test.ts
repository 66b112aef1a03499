import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { daemonLog, logToFile } from '../../src/log.js';

test("the daemon's log writes a repeated line once, and never grows past twice its size", (t) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paas-log-')), 'server.log');
  logToFile(file, 4096);
  for (let i = 0; i < 2550; i++) daemonLog('worker.error', { error: new Error('connect ENOENT /data/redis/redis.sock') });
  const once = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  t.is(once.length, 1);
  t.regex(once[0]!, /^time=\S+ event=worker\.error error="connect ENOENT \/data\/redis\/redis\.sock"$/);
  for (let i = 0; i < 500; i++) daemonLog('request.seen', { n: i });
  t.true(fs.statSync(file).size <= 4096);
  t.true(fs.statSync(`${file}.1`).size <= 4096);
  t.regex(fs.readFileSync(file, 'utf8'), /event=request\.seen n=499\n$/, 'the newest line is in the current file');
});
