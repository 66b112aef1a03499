// The access log's writer, a process of its own: HAProxy writes its lines (and its notices) to a FIFO in its dir;
// this appends them to access.log and rotates the file by renaming it to access.log.1 once it passes its size.
// HAProxy cannot append to a file it shares: it makes its stdout non-blocking, which drops O_APPEND, so a file
// emptied under it would go on growing from the old offset. The daemon starts this detached, beside HAProxy, and it
// outlives the daemon as HAProxy does; it ends once HAProxy is gone. While it is down, lines wait in the FIFO
// (64 KiB); beyond that HAProxy drops them (and counts them) rather than slow a request.
//
//   node access-log-writer.js FIFO LOG MAX_BYTES PID_FILE HAPROXY_PID_FILE
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isHaproxyCmdline } from './haproxy-install.js';

/** Between reads of the FIFO: short while lines come fast, longer when idle (a line shows in the file within 50 ms). */
const MIN_PAUSE_MS = 2;
const MAX_PAUSE_MS = 50;

/** Pure: where to cut a chunk so that the part before the cut ends a line (0 when no line ends in it). */
export function lineBoundary(chunk: Buffer): number {
  return chunk.lastIndexOf(0x0a) + 1;
}

/** The FIFO's buffer, up to Linux's default limit for a pipe (/proc/sys/fs/pipe-max-size): some 160 ms of lines at 35k requests/s. */
const FIFO_BYTES = 1 << 20;

/**
 * Widens the FIFO's buffer from 64 KiB (F_SETPIPE_SZ, which Node does not offer: Debian's essential perl does it on
 * a descriptor of its own; the size is the pipe's, kept while this process holds it open). Without perl it stays.
 */
function widenFifo(fifo: string): void {
  try {
    execFileSync('perl', ['-e', 'open(my $f, "+<", $ARGV[0]) or die "$!"; fcntl($f, 1031, 0 + $ARGV[1]) or die "$!"', fifo, String(FIFO_BYTES)], {
      stdio: 'ignore',
      timeout: 5000,
    });
  } catch {
    // 64 KiB then.
  }
}

function alive(pidFile: string): boolean {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 && isHaproxyCmdline(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

function main(): void {
  const [fifo, file, max, pidFile, haproxyPidFile] = process.argv.slice(2);
  if (!fifo || !file || !max || !pidFile || !haproxyPidFile) {
    process.stderr.write('usage: access-log-writer FIFO LOG MAX_BYTES PID_FILE HAPROXY_PID_FILE\n');
    process.exit(2);
  }
  const maxBytes = Number(max);
  // Ahead of HAProxy when both want the CPU, so that the FIFO is emptied before it fills (as root; else as is).
  try {
    os.setPriority(-5);
  } catch {
    // Not allowed: the default priority.
  }
  fs.writeFileSync(pidFile, String(process.pid), { mode: 0o600 });
  // Read and write: opening never waits for a writer, and the FIFO never reads as ended. Non-blocking, read in
  // batches on a timer rather than woken by each line HAProxy writes: a wakeup per request would cost more than
  // the request. The pause shortens while lines come fast (the FIFO holds 64 KiB) and grows when idle.
  const input = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  widenFifo(fifo);
  let out = fs.openSync(file, 'a', 0o600);
  let size = fs.fstatSync(out).size;
  const append = (bytes: Buffer) => {
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(out, bytes, written);
    size += bytes.length;
  };
  const take = (chunk: Buffer) => {
    const cut = size + chunk.length > maxBytes ? lineBoundary(chunk) : 0;
    if (cut === 0) return append(chunk);
    append(chunk.subarray(0, cut));
    fs.closeSync(out);
    fs.renameSync(file, `${file}.1`);
    out = fs.openSync(file, 'a', 0o600);
    size = 0;
    append(chunk.subarray(cut));
  };
  const buffer = Buffer.alloc(1 << 20);
  let pause = MAX_PAUSE_MS;
  const drain = () => {
    let total = 0;
    for (;;) {
      let n = 0;
      try {
        n = fs.readSync(input, buffer, 0, buffer.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      }
      if (n === 0) break;
      take(buffer.subarray(0, n));
      total += n;
    }
    pause = total > 16 * 1024 ? MIN_PAUSE_MS : total > 0 ? Math.max(MIN_PAUSE_MS, pause / 2) : Math.min(MAX_PAUSE_MS, pause * 2);
    setTimeout(drain, pause);
  };
  drain();
  // Ends once HAProxy is gone (seen running, then not for two checks in a row), or never came within a minute: a
  // new HAProxy gets a new writer.
  let seen = false;
  let missing = 0;
  setInterval(() => {
    if (alive(haproxyPidFile)) [seen, missing] = [true, 0];
    else if (++missing >= (seen ? 2 : 60)) process.exit(0);
  }, 1000);
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
