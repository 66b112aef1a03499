// E2E helpers: a real `paas server` on random ports with a temp data dir, the real git and OpenSSH client, real Docker.
import { isHaproxyCmdline } from '../../src/router/haproxy/haproxy-install.js';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { freePort } from '../_free-port.js';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import type { TestFn } from 'ava';
import { CHAIN, closePortRule, openPortsFile } from '../../src/host/firewall.js';
import { strayRedisPid } from '../../src/queue/redis-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'apps');
export const docker = new Docker();

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, in the order they came. */
  output: string;
}

/** Runs a command with an argv array and collects its output. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; onData?: (chunk: string) => void } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (d) => ((stdout += d), (output += d), options.onData?.(String(d))));
    child.stderr.on('data', (d) => ((stderr += d), (output += d), options.onData?.(String(d))));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, output }));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
export { freePort };

function health(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath: socket, path: '/health', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

export interface Daemon {
  dataDir: string;
  sshPort: number;
  httpPort: number;
  httpsPort: number;
  keyFile: string;
  log(): string;
  /** Runs the paas CLI against this daemon. */
  paas(args: string[], input?: string, onData?: (chunk: string) => void): Promise<Run>;
  /** `git push` from `repo` to app `app` over SSH with the registered key (or `keyFile`). */
  push(repo: string, app: string, refspec?: string, keyFile?: string, onData?: (chunk: string) => void): Promise<Run>;
  /** GET through the router with Host APP.localhost. */
  get(app: string, urlPath?: string): Promise<{ status: number; body: string }>;
  /** GET through the router with any Host header. */
  getHost(host: string, urlPath?: string): Promise<{ status: number; body: string }>;
  /** `ssh -p PORT git@127.0.0.1 ARGS...` with the real OpenSSH client (`tty`: -tt). */
  ssh(args: string[], options?: { keyFile?: string; input?: string; tty?: boolean }): Promise<Run>;
  /** Kills the daemon with SIGKILL, as a crash would (its embedded Redis stays, as it would). */
  kill(): void;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  env?: Record<string, string>;
  registerKey?: boolean;
  /** Restart on an existing data dir and ports (registerKey: false then). */
  reuse?: Pick<Daemon, 'dataDir' | 'sshPort' | 'httpPort' | 'httpsPort'>;
}

/** The OpenSSH client's options for the test key `key`: no agent, no known hosts, no prompts. */
export function sshOptions(key: string): string[] {
  const set = ['IdentitiesOnly=yes', 'BatchMode=yes', 'StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR'];
  return ['-i', key, ...set.flatMap((o) => ['-o', o])];
}

/** Resolves once the daemon's admin API stops answering (it killed itself at an armed fault point); false after a minute. */
export async function waitUntilGone(daemon: Pick<Daemon, 'dataDir'>): Promise<boolean> {
  const socket = path.join(daemon.dataDir, 'paas.sock');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!(await health(socket))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** A daemon killed with SIGKILL leaves its embedded redis-server running: stop it too. */
function stopStrayRedis(dataDir: string): void {
  const pid = strayRedisPid(path.join(dataDir, 'redis', 'redis.pid'));
  if (pid !== undefined) process.kill(pid, 'SIGTERM');
}

/**
 * Data dirs of the daemons this test process started: their HAProxy (left running by design) goes when it exits,
 * and so do the holes their router ports made in the host firewall (they would accumulate over the suite, and a
 * later daemon's SSH port could fall on one).
 */
const started = new Set<string>();
process.once('exit', () => {
  for (const dir of started) {
    try {
      for (const port of JSON.parse(fs.readFileSync(openPortsFile(dir), 'utf8')) as number[]) while (spawnSync('iptables', closePortRule(port)).status === 0);
    } catch {
      // The daemon never got that far.
    }
    try {
      const pid = Number(fs.readFileSync(path.join(dir, 'haproxy', 'haproxy.pid'), 'utf8').trim());
      if (pid > 1 && isHaproxyCmdline(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) process.kill(pid, 'SIGTERM');
    } catch {
      // No HAProxy (the node router), or gone already.
    }
  }
});

/** A free port that no daemon's firewall rule opens to apps (for a port that apps must not reach). */
export async function portClosedToApps(): Promise<number> {
  const open = spawnSync('iptables', ['-w', '-S', CHAIN], { encoding: 'utf8' }).stdout ?? '';
  for (;;) {
    const port = await freePort();
    if (!new RegExp(`--dport ${port} `).test(open)) return port;
  }
}

export async function startDaemon(options: DaemonOptions = {}): Promise<Daemon> {
  const dataDir = options.reuse?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'paas-e2e-'));
  started.add(dataDir);
  const sshPort = options.reuse?.sshPort ?? (await portClosedToApps());
  const httpPort = options.reuse?.httpPort ?? (await freePort());
  const httpsPort = options.reuse?.httpsPort ?? (await freePort());
  // PAAS_E2E_ROUTER: which data plane the daemons of this test file run (test/e2e/node-router/ sets node).
  const router = process.env.PAAS_E2E_ROUTER ? { PAAS_ROUTER: process.env.PAAS_E2E_ROUTER } : {};
  const env: NodeJS.ProcessEnv = { ...process.env, PAAS_DOMAIN: 'localhost', PAAS_HTTPS_PORT: String(httpsPort), ...router, ...options.env };
  if (!options.env?.REDIS_URL) delete env.REDIS_URL;
  delete env.DATABASE_URL;
  const logFile = path.join(dataDir, 'server.log');
  const logFd = fs.openSync(logFile, 'a');
  let stopped = false;
  // With the node flags bin/paas starts the daemon with.
  const proc = spawn(
    'node',
    ['--max-semi-space-size=1', CLI, '--data-dir', dataDir, 'server', '--ssh-port', String(sshPort), '--http-port', String(httpPort)],
    {
      env,
      stdio: ['ignore', logFd, logFd],
    },
  );
  const socket = path.join(dataDir, 'paas.sock');
  const deadline = Date.now() + 30_000;
  while (!(await health(socket))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      stopStrayRedis(dataDir);
      const log = fs.readFileSync(logFile, 'utf8');
      // A port taken between the pick and the listen (by another process): pick others, once.
      if (/EADDRINUSE/.test(log) && !options.reuse && !options.env?.PAAS_E2E_RETRIED)
        return startDaemon({ ...options, env: { ...options.env, PAAS_E2E_RETRIED: '1' } });
      throw new Error(`paas server did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const keyFile = path.join(dataDir, 'client_key');
  if (!fs.existsSync(keyFile)) spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'e2e', '-f', keyFile]);
  // Run outside any git repository: the CLI reads (and apps:create sets) the `paas` remote of the one it runs in.
  const paas = (args: string[], input?: string, onData?: (chunk: string) => void) =>
    run('node', [CLI, '--data-dir', dataDir, ...args], { env, input, onData, cwd: dataDir });
  if (options.registerKey !== false && !options.reuse) {
    const added = await paas(['keys:add', 'e2e'], fs.readFileSync(keyFile + '.pub', 'utf8'));
    if (added.code !== 0) throw new Error(`keys:add failed: ${added.output}`);
  }

  const getHost = (host: string, urlPath = '/'): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: httpPort, path: urlPath, headers: { host }, agent: false }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });

  return {
    dataDir,
    sshPort,
    httpPort,
    httpsPort,
    keyFile,
    log: () => fs.readFileSync(logFile, 'utf8'),
    paas,
    push(repo, app, refspec = 'main', key = keyFile, onData) {
      const ssh = `ssh -i ${key} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR`;
      return run('git', ['push', `ssh://git@127.0.0.1:${sshPort}/${app}`, refspec], { cwd: repo, env: { ...process.env, GIT_SSH_COMMAND: ssh }, onData });
    },
    ssh(args, { keyFile: key = keyFile, input, tty } = {}) {
      return run(
        'ssh',
        [...sshOptions(key), ...(tty ? ['-tt'] : ['-T']), '-p', String(sshPort), 'git@127.0.0.1', ...args],
        input === undefined ? {} : { input },
      );
    },
    get: (app, urlPath = '/') => getHost(`${app}.localhost`, urlPath),
    getHost,
    kill() {
      proc.kill('SIGKILL');
    },
    async stop() {
      // Stopping twice (a test that restarted it, then the file's after hook) is stopping once.
      if (stopped) return;
      stopped = true;
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (proc.exitCode === null && proc.signalCode === null) {
          proc.kill('SIGKILL');
          stopStrayRedis(dataDir);
        }
      }
      fs.closeSync(logFd);
    },
  };
}

/**
 * One daemon for a whole test file: started before its tests, stopped after them, and every app named through
 * `name` removed from Docker afterwards.
 */
export function fileDaemon(t: TestFn, options: DaemonOptions = {}): { daemon(): Daemon; name(prefix: string): string } {
  let daemon: Daemon | undefined;
  const apps: string[] = [];
  t.before(async () => {
    daemon = await startDaemon(options);
  });
  t.after.always(async () => {
    await daemon?.stop();
    await removeApps(apps);
  });
  return {
    daemon: () => daemon!,
    name(prefix) {
      const app = uniqueName(prefix);
      apps.push(app);
      return app;
    },
  };
}

/** Removes every container and image Docker has for these apps. */
export async function removeApps(apps: string[]): Promise<void> {
  for (const app of apps) {
    for (const c of await docker.listContainers({ all: true, filters: { label: [`paas.app=${app}`] } })) {
      await docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
    const images = [
      ...(await docker.listImages({ filters: { label: [`paas.app=${app}`] } })),
      ...(await docker.listImages({ filters: { reference: [`paas/app/${app}`] } })),
    ];
    for (const image of images)
      await docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => undefined);
    for (const network of await docker.listNetworks({ filters: { label: [`paas.app=${app}`] } })) {
      await docker
        .getNetwork(network.Id)
        .remove()
        .catch(() => undefined);
    }
    for (const volume of (await docker.listVolumes({ filters: { label: [`paas.app=${app}`] } })).Volumes ?? []) {
      await docker
        .getVolume(volume.Name)
        .remove()
        .catch(() => undefined);
    }
  }
}

/** Containers Docker runs for an app. */
export async function containersOf(app: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`paas.app=${app}`] } });
}

/**
 * The app's containers once what swaps replaced has drained and stopped (they go in the background, after the
 * command returned; waits up to 30 s), without the replaced web replicas held frozen (paused) for a rollback.
 */
export async function settledContainersOf(app: string): Promise<Docker.ContainerInfo[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const all = (await containersOf(app)).filter((c) => c.State !== 'paused');
    const releases = all.map((c) => Number(c.Labels['paas.release'] ?? NaN)).filter((n) => !Number.isNaN(n));
    const newest = Math.max(...releases);
    if (Date.now() > deadline || all.every((c) => c.Labels['paas.release'] === undefined || Number(c.Labels['paas.release']) === newest)) return all;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'e2e',
  GIT_AUTHOR_EMAIL: 'e2e@example.com',
  GIT_COMMITTER_NAME: 'e2e',
  GIT_COMMITTER_EMAIL: 'e2e@example.com',
};

/** A git work tree holding a copy of fixture `name`, committed on main. */
export async function fixtureRepo(name: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `paas-app-${name}-`));
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  await git(dir, ['init', '-q', '-b', 'main']);
  await commitAll(dir, 'first');
  return dir;
}

export async function git(dir: string, args: string[]): Promise<Run> {
  const result = await run('git', args, { cwd: dir, env: GIT_ENV });
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.output}`);
  return result;
}

/** Writes files into the work tree and commits everything. */
export async function commitAll(dir: string, message: string, files: Record<string, string> = {}): Promise<string> {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '--allow-empty', '-m', message]);
  return (await git(dir, ['rev-parse', 'HEAD'])).stdout.trim();
}

/** A short random suffix so parallel runs never share app names. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Removes what backing services named `names` left on the engine: containers (and their clients), networks, volumes. */
export async function removeServices(names: string[]): Promise<void> {
  for (const name of names) {
    for (const c of await docker.listContainers({ all: true, filters: { label: [`paas.service=${name}`] } }))
      await docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
    for (const network of await docker.listNetworks({ filters: { label: [`paas.service=${name}`] } }))
      await docker
        .getNetwork(network.Id)
        .remove()
        .catch(() => undefined);
    for (const volume of (await docker.listVolumes({ filters: { label: [`paas.service=${name}`] } })).Volumes ?? [])
      await docker
        .getVolume(volume.Name)
        .remove()
        .catch(() => undefined);
  }
}
