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
    '--port',
    '0',
    '--unixsocket',
    socket,
    '--unixsocketperm',
    '700',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--daemonize',
    'no',
    '--logfile',
    path.join(dir, 'redis.log'),
    '--pidfile',
    path.join(dir, 'redis.pid'),
  ];
}

/** The pid in `pidFile` when that process is a live redis-server (one a killed daemon left behind). */
export function strayRedisPid(pidFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1) return undefined;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.startsWith('redis-server') ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
  private watchdog: NodeJS.Timeout | undefined;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'redis');
    this.socket = path.join(this.dir, 'redis.sock');
  }

  /**
   * Starts redis-server and resolves once its socket accepts connections. A redis-server left running on this
   * data dir by a daemon that was killed is shut down first (SIGTERM: it writes its append-only file), so two
   * never share one.
   */
  async start(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const stray = strayRedisPid(path.join(this.dir, 'redis.pid'));
    if (stray !== undefined) {
      daemonLog('redis.stray', { pid: stray, action: 'stopping it before starting a new one' });
      process.kill(stray, 'SIGTERM');
      for (let i = 0; i < 200 && alive(stray); i++) await new Promise((r) => setTimeout(r, 50));
    }
    // The child goes with the daemon on any exit (a failed start included).
    process.once('exit', () => {
      if (this.child && this.child.exitCode === null) this.child.kill('SIGTERM');
    });
    this.spawnChild();
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (await canConnect(this.socket)) return this.watch();
      if (this.child?.exitCode != null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new PaasError('PAAS_ERR_QUEUE_UNAVAILABLE', `redis-server did not start (see ${path.join(this.dir, 'redis.log')})`);
  }

  /**
   * Every few seconds, checks that the socket still takes connections: a redis-server that runs but cannot be
   * reached (its socket deleted, say) is restarted, once, instead of the daemon logging the same error forever.
   */
  private watch(): void {
    let failures = 0;
    this.watchdog = setInterval(() => {
      void canConnect(this.socket).then((ok) => {
        failures = ok ? 0 : failures + 1;
        if (failures < 2 || this.stopping || !this.child || this.child.exitCode !== null) return;
        failures = 0;
        daemonLog('redis.unreachable', { socket: this.socket, action: 'restarting redis-server' });
        this.child.kill('SIGTERM');
      });
    }, 5000);
    this.watchdog.unref();
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
    clearInterval(this.watchdog);
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}
