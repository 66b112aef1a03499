// bench/router: the data plane's cost, in one run against the same app container (nginx answering 100 bytes):
// wrk with 64 keep-alive connections, interleaved rounds of 5 s, through
//   direct (no proxy) | nginx, 1 worker (a config written here) | this project on HAProxy | this project's node router,
// and HAProxy's floor: the same HAProxy with a bare config written here (one frontend, one server, no rules) and the
// same access log straight to a file: what any HAProxy 2.6 data plane with an access log costs at least.
// Prints req/s, p50, p99 and the proxy process's CPU per request (utime + stime from /proc), with ratios to nginx.
// Each proxy runs on a core of its own, wrk and the app on the other (BENCH_PIN=0: no pinning).
// Loopback and the bench's own container only; every process it starts is stopped at the end.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { docker, freePort } from '../test/e2e/_daemon.js';
import { median } from './_bench.js';
import { HaproxyDataPlane } from '../src/router/haproxy/haproxy-data-plane.js';
import { NodeDataPlane } from '../src/router/node-data-plane.js';
import { stopHaproxy } from '../src/router/haproxy/haproxy-process.js';
import { haproxyBinary } from '../src/router/haproxy/haproxy-install.js';
import { runtimeCommand } from '../src/router/haproxy/runtime-api.js';
import { ACCESS_LOG_FORMAT } from '../src/router/haproxy/access-log.js';
import { SERVER_OPTIONS } from '../src/router/haproxy/haproxy-config.js';
import { buildImage, dockerfileContext } from '../src/docker/images.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const IMAGE = 'paas/bench:nginx-100b';
const BODY = 'x'.repeat(99) + '\n';
const HOST = 'bench.localhost';
const TICKS = 100; // USER_HZ on Linux
/**
 * Each proxy gets one core of its own (CPU 1: the bench process pins itself there, and the proxies it starts
 * inherit it), while wrk and the app container share CPU 0: the proxy is what limits, and the scheduler does not
 * move it around between rounds. BENCH_PIN=0 lets everything float over every core instead.
 */
const PIN = process.env.BENCH_PIN !== '0' && os.cpus().length >= 2;
const onLoadCore = (argv: string[]): [string, string[]] => (PIN ? ['taskset', ['-c', '0', ...argv]] : [argv[0]!, argv.slice(1)]);

/** Processes that ended while they were measured (their CPU of that round is missing from the figures). */
const vanished = new Set<number>();

/** CPU seconds a process has used (user + system). */
function cpuSeconds(pid: number): number {
  if (!fs.existsSync(`/proc/${pid}/stat`)) return (vanished.add(pid), 0);
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

async function needTools(): Promise<void> {
  const missing: string[] = [];
  for (const [bin, pkg] of [
    ['wrk', 'wrk'],
    ['nginx', 'nginx-light'],
  ] as const) {
    await run('sh', ['-c', `command -v ${bin}`]).catch(() => missing.push(pkg));
  }
  if (missing.length) {
    console.log(`-----> Installing ${missing.join(' ')} for the benchmark`);
    await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
}

/** The app: nginx from Debian answering 100 bytes, in a container built from the local stack image. */
async function startApp(): Promise<{ id: string; ip: string }> {
  const dockerfile = [
    'FROM paas/stack:bookworm',
    'RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx-light && rm -rf /var/lib/apt/lists/*',
    `RUN printf 'worker_processes 1;\\nevents { worker_connections 4096; }\\nhttp { access_log off; server { listen 5000; location / { return 200 "${BODY.trim()}\\\\n"; } } }\\n' > /etc/nginx/bench.conf`,
    'CMD ["nginx", "-c", "/etc/nginx/bench.conf", "-g", "daemon off;"]',
  ].join('\n');
  if (
    !(await docker
      .getImage(IMAGE)
      .inspect()
      .catch(() => undefined))
  ) {
    console.log('-----> Building the bench app image (once)');
    await buildImage(docker, dockerfileContext(dockerfile), { tag: IMAGE, labels: {} }, () => {});
  }
  const container = await docker.createContainer({
    Image: IMAGE,
    name: `paas-bench-router-${process.pid}`,
    HostConfig: PIN ? { CpusetCpus: '0' } : { NanoCpus: 2e9 },
  });
  await container.start();
  const info = await container.inspect();
  return { id: info.Id, ip: info.NetworkSettings.Networks.bridge?.IPAddress ?? '' };
}

interface Round {
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequestUs?: number;
}

/** Pure: wrk's --latency output as figures (ms). */
function parseWrk(text: string): Round {
  const unit = (v: string, u: string) => Number(v) * (u === 'us' ? 0.001 : u === 's' ? 1000 : 1);
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(text);
    return m ? unit(m[1]!, m[2]!) : NaN;
  };
  const failures = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  if (failures) throw new Error(`wrk saw ${failures[1]} failed responses:\n${text}`);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN), p50: pct('50'), p99: pct('99') };
}

/** The CPU of the proxy's processes: its worker, and for HAProxy the writer of its access log as well. */
async function wrk(port: number, proxyPid: number | number[] | undefined): Promise<Round> {
  const pids = proxyPid === undefined ? [] : Array.isArray(proxyPid) ? proxyPid : [proxyPid];
  const cpu = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const before = cpu();
  const { stdout } = await run(...onLoadCore(['wrk', '-t1', '-c64', `-d${SECONDS}s`, '--latency', '-H', `Host: ${HOST}`, `http://127.0.0.1:${port}/`]));
  const round = parseWrk(stdout);
  if (pids.length) round.cpuPerRequestUs = ((cpu() - before) * 1e6) / (round.rps * SECONDS);
  return round;
}

async function main(): Promise<void> {
  await needTools();
  if (PIN) await run('taskset', ['-a', '-p', '-c', '1', String(process.pid)]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-bench-router-'));
  const app = await startApp();
  const target = { url: `http://${app.ip}:5000`, container: 'bench', release: 1, id: app.id };
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    // nginx, one worker, proxying with upstream keep-alive and an access log (the way Dokku and CapRover run it).
    const nginxPort = await freePort();
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(
      conf,
      `worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/nginx.error.log;\nevents { worker_connections 4096; }\nhttp {\n  access_log ${dir}/nginx.access.log;\n` +
        `  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};\n` +
        `  upstream app { server ${app.ip}:5000; keepalive 64; }\n` +
        `  server { listen 127.0.0.1:${nginxPort}; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; } }\n}\n`,
    );
    const nginx = spawn('nginx', ['-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
    children.push(nginx);
    await new Promise((r) => setTimeout(r, 500));
    const nginxWorker = Number((await run('pgrep', ['-P', String(nginx.pid)])).stdout.trim().split('\n')[0]);

    // HAProxy's floor: no routing, no header rules, no retries, the access log written to a file by HAProxy itself.
    const floorPort = await freePort();
    const floorConf = path.join(dir, 'haproxy-floor.cfg');
    fs.writeFileSync(
      floorConf,
      [
        'global',
        '  nbthread 1',
        '  log stdout format raw local0',
        'defaults',
        '  mode http',
        '  log global',
        `  log-format "${ACCESS_LOG_FORMAT}"`,
        '  timeout connect 5s',
        '  timeout client 60s',
        '  timeout server 60s',
        'frontend http',
        `  bind 127.0.0.1:${floorPort}`,
        '  default_backend app',
        'backend app',
        `  server app ${app.ip}:5000 ${SERVER_OPTIONS}`,
        '',
      ].join('\n'),
    );
    const floorLog = fs.openSync(path.join(dir, 'haproxy-floor.log'), 'a');
    const floor = spawn(haproxyBinary(), ['-db', '-f', floorConf], { stdio: ['ignore', floorLog, 'ignore'] });
    fs.closeSync(floorLog);
    children.push(floor);
    await new Promise((r) => setTimeout(r, 500));

    const haproxyPort = await freePort();
    const haproxy = new HaproxyDataPlane({
      dataDir: dir,
      domain: 'localhost',
      httpPort: haproxyPort,
      httpsPort: await freePort(),
      upstreamTimeoutMs: 60_000,
      host: '127.0.0.1',
      accessLog: process.env.PAAS_ACCESS_LOG !== '0',
    });
    await haproxy.start();
    cleanups.push(() => haproxy.close().then(() => stopHaproxy(haproxy.paths)));
    await haproxy.setTargets('bench', [target]);
    const haproxyMaster = Number(fs.readFileSync(haproxy.paths.pidFile, 'utf8').trim());
    // The newest worker: the one the reload for the app's new backend started (the old one may still be leaving).
    const haproxyWorker = Number((await run('pgrep', ['-n', '-P', String(haproxyMaster)])).stdout.trim());
    // Read each round: the watchdog starts a new writer if one ended.
    const writerPids = () => (fs.existsSync(haproxy.paths.logWriterPid) ? [Number(fs.readFileSync(haproxy.paths.logWriterPid, 'utf8'))] : []);
    let logWriter = writerPids();

    const nodePort = await freePort();
    const nodePlane = new NodeDataPlane({ httpPort: nodePort, httpsPort: await freePort(), domain: 'localhost', upstreamTimeoutMs: 60_000, host: '127.0.0.1' });
    await nodePlane.start();
    cleanups.push(() => nodePlane.close());
    await nodePlane.setTargets('bench', [target]);

    // Direct: the same container at its own address (no proxy).
    const lines: Record<string, Round[]> = { direct: [], 'nginx 1 worker': [], haproxy: [], 'haproxy floor': [], 'node router': [] };
    let writerSeconds = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      lines.direct!.push(await wrkUrl(`http://${app.ip}:5000/`));
      lines['nginx 1 worker']!.push(await wrk(nginxPort, nginxWorker));
      logWriter = writerPids();
      const writerBefore = logWriter.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
      lines.haproxy!.push(await wrk(haproxyPort, [haproxyWorker, ...logWriter]));
      writerSeconds += logWriter.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - writerBefore;
      lines['haproxy floor']!.push(await wrk(floorPort, floor.pid));
      lines['node router']!.push(await wrk(nodePort, process.pid));
    }
    const med = (rs: Round[], key: keyof Round) => median(rs.map((r) => r[key] ?? NaN));
    const ref = lines['nginx 1 worker']!;
    console.log(
      `bench/router: wrk, 64 keep-alive connections, ${BODY.length}-byte body, ${ROUNDS} interleaved rounds of ${SECONDS} s (medians), ${os.cpus().length} cores` +
        (PIN ? '; each proxy on a core of its own (CPU 1), wrk and the app on CPU 0' : '; every process on every core'),
    );
    for (const [label, rs] of Object.entries(lines)) {
      const cpu = med(rs, 'cpuPerRequestUs');
      console.log(
        `${label.padEnd(15)} ${med(rs, 'rps').toFixed(0).padStart(7)} req/s (${(med(rs, 'rps') / med(ref, 'rps')).toFixed(2)}x nginx)  ` +
          `p50 ${med(rs, 'p50').toFixed(2)} ms  p99 ${med(rs, 'p99').toFixed(2)} ms (${(med(rs, 'p99') / med(ref, 'p99')).toFixed(2)}x)` +
          (Number.isNaN(cpu) ? '' : `  cpu ${cpu.toFixed(1)} us/request (${(cpu / med(ref, 'cpuPerRequestUs')).toFixed(2)}x)`),
      );
    }
    const info = await runtimeCommand(haproxy.paths.adminSocket, 'show info', undefined, 2000);
    console.log(
      `haproxy's access log: ${process.env.PAAS_ACCESS_LOG === '0' ? 'off' : `on, ${/^DroppedLogs: (\d+)/m.exec(info)?.[1] ?? '?'} lines dropped`}` +
        (logWriter.length
          ? ` (its writer process counted in its cpu: ${((writerSeconds * 1e6) / lines.haproxy!.reduce((sum, r) => sum + r.rps * SECONDS, 0)).toFixed(1)} us/request of it)`
          : ''),
    );
    if (vanished.size) console.log(`note: processes ${[...vanished].join(', ')} ended while measured; their CPU in that round is not counted`);
    console.log('haproxy floor: HAProxy 2.6 with a bare config (no rules) and the same access log written to a file by itself');
    console.log('targets: haproxy >= 1.0x nginx req/s, p99 <= 1.5x, cpu per request <= 1.2x');
  } finally {
    for (const c of children) c.kill('SIGTERM');
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    await docker.getContainer(app.id).remove({ force: true });
  }
}

async function wrkUrl(url: string): Promise<Round> {
  const { stdout } = await run(...onLoadCore(['wrk', '-t1', '-c64', `-d${SECONDS}s`, '--latency', url]));
  return parseWrk(stdout);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
