// The access log's writer, as a process: HAProxy's side is played by this test writing to the FIFO.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLogWriter, haproxyPaths, stopHaproxy } from '../../../../src/router/haproxy/haproxy-process.js';
import { lineBoundary } from '../../../../src/router/haproxy/access-log-writer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !check(); i++) await sleep(50);
  return check();
}

test('a chunk is cut after its last whole line', (t) => {
  t.is(lineBoundary(Buffer.from('a\nb\nc')), 4);
  t.is(lineBoundary(Buffer.from('a\nb\n')), 4);
  t.is(lineBoundary(Buffer.from('no line end')), 0);
});

test('the writer appends what reaches the FIFO to access.log, and lines written while it was down arrive once it is back', async (t) => {
  const paths = haproxyPaths(fs.mkdtempSync(path.join(os.tmpdir(), 'paas-log-writer-')));
  fs.mkdirSync(paths.dir, { recursive: true });
  // No HAProxy runs here: the writer would end on its own within a minute; stopHaproxy stops it below.
  await ensureLogWriter(paths);
  t.true(fs.statSync(paths.accessLogFifo).isFIFO());
  const fifo = fs.openSync(paths.accessLogFifo, 'r+');
  try {
    fs.writeSync(fifo, 'first line\nsecond ');
    fs.writeSync(fifo, 'line\n');
    t.true(await until(() => fs.existsSync(paths.accessLog) && fs.readFileSync(paths.accessLog, 'utf8') === 'first line\nsecond line\n'));
    const pid = Number(fs.readFileSync(paths.logWriterPid, 'utf8'));
    process.kill(pid, 'SIGTERM');
    t.true(await until(() => !fs.existsSync(`/proc/${pid}`) || fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z')));
    fs.writeSync(fifo, 'while it was down\n');
    await ensureLogWriter(paths);
    t.true(await until(() => fs.readFileSync(paths.accessLog, 'utf8').endsWith('second line\nwhile it was down\n')), fs.readFileSync(paths.accessLog, 'utf8'));
  } finally {
    fs.closeSync(fifo);
    await stopHaproxy(paths);
  }
});

test('past its size the log is renamed to access.log.1 at a line boundary, and a new one begins', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-log-rotate-'));
  const fifo = path.join(dir, 'log.fifo');
  const log = path.join(dir, 'access.log');
  execFileSync('mkfifo', [fifo]);
  const writer = fileURLToPath(new URL('../../../../src/router/haproxy/access-log-writer.js', import.meta.url));
  const child = (await import('node:child_process')).spawn(process.execPath, [writer, fifo, log, '100', path.join(dir, 'w.pid'), path.join(dir, 'none.pid')], {
    stdio: 'ignore',
  });
  const input = fs.openSync(fifo, 'r+');
  try {
    const lines = Array.from({ length: 13 }, (_, i) => `request line ${String(i).padStart(2, '0')}\n`);
    fs.writeSync(input, lines.slice(0, 6).join(''));
    t.true(await until(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').length === 6 * lines[0]!.length));
    fs.writeSync(input, lines.slice(6, 12).join(''));
    t.true(await until(() => fs.existsSync(`${log}.1`)));
    fs.writeSync(input, lines[12]!);
    t.true(await until(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8') === lines[12]));
    const rotated = fs.readFileSync(`${log}.1`, 'utf8');
    t.is(rotated, lines.slice(0, 12).join(''), 'the old file ends at a line end; nothing lost, nothing twice');
  } finally {
    fs.closeSync(input);
    child.kill();
  }
});
