// Supervises the embedded redis-server (Debian's binary) when no REDIS_URL is given: data, AOF and socket in the data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { daemonLog } from '../log.js';
import { PaasError } from '../errors.js';

/** The argv the embedded Redis runs with: unix socket only, append-only file on. */
export function redisServerArgs(dir: string, socket: string): string[] {
  return [
    '--port', '0',
    '--unixsocket', socket,
    '--unixsocketperm', '700',
    '--dir', dir,
    '--appendonly', 'yes',
    '--appendfsync', 'everysec',
    '--save', '',
    '--daemonize', 'no',
    '--logfile', path.join(dir, 'redis.log'),
  ];
}

function canConnect(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = net.connect(socket);
    conn.once('connect', () => {
      conn.destroy();
      resolve(true);
    });
    conn.once('error', () => resolve(false));
  });
}

/** A redis-server child that is restarted when it dies, until stop() is called. */
export class SupervisedRedis {
  readonly dir: string;
  readonly socket: string;
  private child: ChildProcess | undefined;
  private stopping = false;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'redis');
    this.socket = path.join(this.dir, 'redis.sock');
  }

  /** Starts redis-server and resolves once its socket accepts connections. */
  async start(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.spawnChild();
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (await canConnect(this.socket)) return;
      if (this.child?.exitCode != null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new PaasError('PAAS_ERR_QUEUE_UNAVAILABLE', `redis-server did not start (see ${path.join(this.dir, 'redis.log')})`);
  }

  private spawnChild(): void {
    fs.rmSync(this.socket, { force: true });
    const child = spawn('redis-server', redisServerArgs(this.dir, this.socket), { stdio: 'ignore' });
    this.child = child;
    child.on('error', (err) => daemonLog('redis.error', { error: err }));
    child.on('exit', (code, signal) => {
      if (this.stopping) return;
      daemonLog('redis.exited', { code, signal, action: 'restarting in 1s' });
      setTimeout(() => {
        if (!this.stopping) this.spawnChild();
      }, 1000).unref();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}
