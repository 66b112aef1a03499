// Runs Debian's HAProxy for the data plane, in master-worker mode, detached from the daemon: it keeps serving when
// the daemon stops or crashes, and a daemon that starts again finds it by its master socket instead of starting
// another. Reloads are seamless (listeners handed to the new worker). Its access log is a file in the data dir,
// written by a process of its own (access-log-writer.ts) from a FIFO HAProxy writes to.
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PaasError } from '../../errors.js';
import { daemonLog } from '../../log.js';
import type { HaproxyPaths } from './haproxy-config.js';
import { haproxyBinary, isHaproxyCmdline } from './haproxy-install.js';
import { runtimeCommand } from './runtime-api.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where the data plane keeps its files: DATA_DIR/haproxy. */
export function haproxyPaths(dataDir: string): HaproxyPaths {
  const dir = path.join(dataDir, 'haproxy');
  const page = (name: string) => path.join(dir, 'pages', `${name}.http`);
  return {
    dir,
    config: path.join(dir, 'haproxy.cfg'),
    hostsMap: path.join(dir, 'hosts.map'),
    redirectMap: path.join(dir, 'redirect.map'),
    crtList: path.join(dir, 'certs.list'),
    adminSocket: path.join(dir, 'admin.sock'),
    masterSocket: path.join(dir, 'master.sock'),
    acmeSocket: path.join(dir, 'acme.sock'),
    metricsSocket: path.join(dir, 'metrics.sock'),
    pidFile: path.join(dir, 'haproxy.pid'),
    accessLog: path.join(dir, 'access.log'),
    accessLogFifo: path.join(dir, 'access.fifo'),
    logWriterPid: path.join(dir, 'log-writer.pid'),
    pages: {
      notFound: path.join(dir, 'pages', 'not-found.html'),
      badGateway: page('502'),
      unreachable: page('503'),
      stopped: path.join(dir, 'pages', 'stopped.html'),
      maintenance: path.join(dir, 'pages', 'maintenance.html'),
      gatewayTimeout: page('504'),
      badRequest: page('400'),
    },
  };
}

/** Whether the HAProxy binary (3.0, see haproxy-install.ts) is installed. */
export async function haproxyInstalled(): Promise<boolean> {
  try {
    await run(haproxyBinary(), ['-v']);
    return true;
  } catch {
    return false;
  }
}

/** The pid of this data dir's HAProxy master when it is alive (a reload re-executes it under the same pid). */
export function haproxyMasterPid(paths: HaproxyPaths): number | undefined {
  try {
    const pid = Number(fs.readFileSync(paths.pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1) return undefined;
    return isHaproxyCmdline(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether this data dir's HAProxy runs. Its process decides, not its socket: the master socket is away for a
 * moment during every reload, and a second HAProxy started beside a live one would share its ports (SO_REUSEPORT)
 * with a state of its own. A live master is waited for until its socket answers again.
 */
export async function haproxyRunning(paths: HaproxyPaths): Promise<boolean> {
  if (haproxyMasterPid(paths) === undefined) return false;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await runtimeCommand(paths.masterSocket, 'show proc', undefined, 2000)).includes('master')) return true;
    } catch {
      // Reloading: asked again below.
    }
    await sleep(100);
  }
  return true;
}

/** Checks a configuration file without running it; throws with HAProxy's own words. */
export async function checkConfig(file: string): Promise<void> {
  try {
    await run(haproxyBinary(), ['-c', '-q', '-f', file]);
  } catch (err) {
    // Its own words; when it said nothing (it was killed, or could not run), what happened to it.
    const text = String((err as { stderr?: string }).stderr || (err as Error).message);
    throw new PaasError('PAAS_ERR_ROUTER', `HAProxy refused its configuration: ${text.split('\n').find((l) => l.includes('ALERT')) ?? text.slice(0, 300)}`);
  }
}

/** Resolves once `check` holds (polled), or throws `failure` after `timeoutMs`. */
async function waitFor(check: () => Promise<boolean>, timeoutMs: number, failure: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new PaasError('PAAS_ERR_ROUTER', failure());
}

/** The worker's pid, read through the admin socket (it changes with every reload). */
async function workerPid(paths: HaproxyPaths): Promise<number | undefined> {
  try {
    const info = await runtimeCommand(paths.adminSocket, 'show info', undefined, 2000);
    return Number(/^Pid: (\d+)/m.exec(info)?.[1]) || undefined;
  } catch {
    return undefined;
  }
}

/** Starts HAProxy detached from the daemon (its own session) and resolves once its admin socket answers. */
export async function spawnHaproxy(paths: HaproxyPaths): Promise<void> {
  const running = haproxyMasterPid(paths);
  if (running !== undefined) throw new PaasError('PAAS_ERR_ROUTER', `HAProxy already runs for ${paths.dir} (pid ${running}): not starting a second one`);
  await checkConfig(paths.config);
  for (const socket of [paths.adminSocket, paths.masterSocket]) fs.rmSync(socket, { force: true });
  await ensureLogWriter(paths);
  // Read and write, so that opening does not wait for a reader (the writer reads it).
  const log = fs.openSync(paths.accessLogFifo, 'r+');
  const child = spawn(haproxyBinary(), ['-W', '-S', `${paths.masterSocket},mode,600`, '-f', paths.config, '-p', paths.pidFile], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  await waitFor(
    async () => exited === null && (await workerPid(paths)) !== undefined,
    15_000,
    () => `HAProxy did not start${exited !== null ? ` (exit ${exited})` : ''}: see ${paths.accessLog}`,
  );
  daemonLog('router.haproxy.started', { pid: child.pid, config: paths.config });
}

/** Whether this data dir's running HAProxy is another binary than the one the daemon runs (an older daemon's 2.6). */
export function runsOtherHaproxy(paths: HaproxyPaths): boolean {
  const pid = haproxyMasterPid(paths);
  if (pid === undefined) return false;
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`) !== fs.realpathSync(haproxyBinary());
  } catch {
    return false;
  }
}

/**
 * Replaces a running HAProxy of another binary (an upgrade from 2.6) without dropping a connection: the new
 * master's worker takes the listening sockets from the old worker (`-x`, through its admin socket) and tells it
 * to finish (`-sf`); the old master ends with its last worker. Resolves once the new worker answers.
 */
export async function handOverHaproxy(paths: HaproxyPaths): Promise<void> {
  const oldMaster = haproxyMasterPid(paths);
  const oldWorker = await workerPid(paths);
  await checkConfig(paths.config);
  fs.rmSync(paths.masterSocket, { force: true });
  await ensureLogWriter(paths);
  const log = fs.openSync(paths.accessLogFifo, 'r+');
  const args = ['-W', '-S', `${paths.masterSocket},mode,600`, '-f', paths.config, '-p', paths.pidFile, '-x', paths.adminSocket];
  const child = spawn(haproxyBinary(), oldWorker ? [...args, '-sf', String(oldWorker)] : args, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  await waitFor(
    async () => {
      const now = await workerPid(paths);
      return exited === null && now !== undefined && now !== oldWorker;
    },
    15_000,
    () => `HAProxy ${haproxyBinary()} did not take over from the running one${exited !== null ? ` (exit ${exited})` : ''}: see ${paths.accessLog}`,
  );
  // The old master leaves once its worker has finished; a soft stop says so in case it waits.
  if (oldMaster !== undefined && oldMaster !== child.pid) {
    try {
      process.kill(oldMaster, 'SIGUSR1');
    } catch {
      // Gone already.
    }
  }
  daemonLog('router.haproxy.handed_over', { from: oldMaster, pid: child.pid, binary: haproxyBinary() });
}

/**
 * Reloads the configuration file seamlessly: the master starts a new worker on it, which takes over the listening
 * sockets; the old worker finishes the requests it has. Resolves once the new worker answers.
 */
export async function reloadHaproxy(paths: HaproxyPaths): Promise<void> {
  await checkConfig(paths.config);
  const before = await workerPid(paths);
  await runtimeCommand(paths.masterSocket, 'reload', undefined, 5000);
  await waitFor(
    async () => {
      const now = await workerPid(paths);
      return now !== undefined && now !== before;
    },
    15_000,
    () => `HAProxy did not reload: see ${paths.accessLog}`,
  );
  daemonLog('router.haproxy.reloaded', {});
}

/** Stops the HAProxy of a data dir (tests, and `paas` hosts that want the ports back), and its log's writer. */
export async function stopHaproxy(paths: HaproxyPaths): Promise<void> {
  await stopMaster(paths);
  const writer = logWriterPid(paths);
  if (writer !== undefined) process.kill(writer, 'SIGTERM');
}

async function stopMaster(paths: HaproxyPaths): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(paths.pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    if (!isHaproxyCmdline(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) return;
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(50);
  }
}

/** The access log is renamed to access.log.1 past this size (by its writer). */
export const ACCESS_LOG_MAX_BYTES = 20 * 1024 * 1024;

const WRITER = fileURLToPath(new URL('./access-log-writer.js', import.meta.url));

/** The pid of this data dir's access log writer when it is alive. */
function logWriterPid(paths: HaproxyPaths): number | undefined {
  try {
    const pid = Number(fs.readFileSync(paths.logWriterPid, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1) return undefined;
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('access-log-writer') ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Makes the FIFO if it is missing, and starts the access log's writer, detached, unless it runs. */
export async function ensureLogWriter(paths: HaproxyPaths): Promise<void> {
  if (!fs.existsSync(paths.accessLogFifo) || !fs.statSync(paths.accessLogFifo).isFIFO()) {
    fs.rmSync(paths.accessLogFifo, { force: true });
    await run('mkfifo', ['-m', '600', paths.accessLogFifo]);
  }
  if (logWriterPid(paths) !== undefined) return;
  // Why a writer ended, if it failed, goes to a file beside the log (the watchdog starts a new one).
  const errors = fs.openSync(path.join(path.dirname(paths.accessLog), 'access-log-writer.err'), 'a', 0o600);
  const child = spawn(process.execPath, [WRITER, paths.accessLogFifo, paths.accessLog, String(ACCESS_LOG_MAX_BYTES), paths.logWriterPid, paths.pidFile], {
    detached: true,
    stdio: ['ignore', 'ignore', errors],
  });
  fs.closeSync(errors);
  child.unref();
  for (let i = 0; i < 100 && logWriterPid(paths) !== child.pid; i++) await sleep(20);
  daemonLog('router.access_log.writer_started', { pid: child.pid });
}
