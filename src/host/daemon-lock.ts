// One daemon per data directory: a lock taken before anything is touched. The lock is an abstract unix socket
// named after the data dir: the kernel frees it when its holder ends, however it ends (kill -9 included), so a
// crash never leaves a stale lock, and a second start fails at once. The holder's pid is written beside it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PaasError } from '../errors.js';

/** Pure: the abstract socket's name for `dataDir` (a resolved path). */
export function lockName(dataDir: string): string {
  return `\0paas-daemon-${crypto.createHash('sha256').update(dataDir).digest('hex').slice(0, 40)}`;
}

function pidFile(dataDir: string): string {
  return path.join(dataDir, 'daemon.pid');
}

/** Takes the data dir's lock or throws PAAS_ERR_LOCKED naming the daemon that holds it; resolves with its release. */
export async function lockDataDir(dataDir: string): Promise<() => void> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE') return reject(err);
      let holder = 'another process';
      try {
        const pid = Number(fs.readFileSync(pidFile(dataDir), 'utf8').trim());
        if (pid > 0) holder = `paas server pid ${pid}`;
      } catch {
        // It has not written its pid yet.
      }
      reject(new PaasError('PAAS_ERR_LOCKED', `${holder} already runs on the data dir ${dataDir}: stop it first, or start this one with another --data-dir`));
    });
    server.listen(lockName(dataDir), () => resolve());
  });
  server.unref();
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(pidFile(dataDir), `${process.pid}\n`);
  return () => {
    server.close();
    fs.rmSync(pidFile(dataDir), { force: true });
  };
}
