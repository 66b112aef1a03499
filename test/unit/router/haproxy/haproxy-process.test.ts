import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { haproxyPaths, rotateAccessLog } from '../../../../src/router/haproxy/haproxy-process.js';

function logDir(content: string) {
  const paths = haproxyPaths(fs.mkdtempSync(path.join(os.tmpdir(), 'paas-rotate-')));
  fs.mkdirSync(paths.dir, { recursive: true });
  fs.writeFileSync(paths.accessLog, content);
  return paths;
}

test('an access log over its limit moves whole to access.log.1 and the file is emptied in place', async (t) => {
  const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}\n`).join('');
  const paths = logDir(lines);
  const inode = fs.statSync(paths.accessLog).ino;
  // HAProxy's descriptor: opened for appending before the rotation, written to after it.
  const writer = fs.openSync(paths.accessLog, 'a');
  await rotateAccessLog(paths, 1000);
  fs.writeSync(writer, 'after\n');
  fs.closeSync(writer);
  t.is(fs.readFileSync(`${paths.accessLog}.1`, 'utf8'), lines);
  t.is(fs.readFileSync(paths.accessLog, 'utf8'), 'after\n', 'HAProxy writes on at the start of the same file');
  t.is(fs.statSync(paths.accessLog).ino, inode);
});

test('an access log under its limit, or none yet, is left alone', async (t) => {
  const paths = logDir('short\n');
  await rotateAccessLog(paths, 1000);
  t.is(fs.readFileSync(paths.accessLog, 'utf8'), 'short\n');
  t.false(fs.existsSync(`${paths.accessLog}.1`));
  fs.rmSync(paths.accessLog);
  await t.notThrowsAsync(rotateAccessLog(paths, 1000));
});
