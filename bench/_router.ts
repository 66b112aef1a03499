// Shared plumbing of the router benches: the app container (nginx answering 100 bytes), wrk and its figures, the
// CPU a process used (from /proc), and the core each side runs on.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { promisify } from 'node:util';
import { docker } from '../test/e2e/_daemon.js';
import { buildImage, dockerfileContext } from '../src/docker/images.js';

export const run = promisify(execFile);
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const IMAGE = 'paas/bench:nginx-100b';
export const BODY = 'x'.repeat(99) + '\n';
export const HOST = 'bench.localhost';
const TICKS = 100; // USER_HZ on Linux
/**
 * Each proxy gets one core of its own (CPU 1: the bench process pins itself there, and the proxies it starts
 * inherit it), while wrk and the app container share CPU 0: the proxy is what limits, and the scheduler does not
 * move it around between rounds. BENCH_PIN=0 lets everything float over every core instead.
 */
export const PIN = process.env.BENCH_PIN !== '0' && os.cpus().length >= 2;
export const onLoadCore = (argv: string[]): [string, string[]] => (PIN ? ['taskset', ['-c', '0', ...argv]] : [argv[0]!, argv.slice(1)]);

/** Processes that ended while they were measured (their CPU of that round is missing from the figures). */
export const vanished = new Set<number>();

/** CPU seconds a process has used (user + system). */
export function cpuSeconds(pid: number): number {
  if (!fs.existsSync(`/proc/${pid}/stat`)) return (vanished.add(pid), 0);
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

export async function needTools(): Promise<void> {
  const missing: string[] = [];
  for (const [bin, pkg] of [
    ['wrk', 'wrk'],
    ['nginx', 'nginx-light'],
    ['h2load', 'nghttp2-client'],
  ] as const) {
    await run('sh', ['-c', `command -v ${bin}`]).catch(() => missing.push(pkg));
  }
  if (missing.length) {
    console.log(`-----> Installing ${missing.join(' ')} for the benchmark`);
    await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
}

/** The app: nginx from Debian answering 100 bytes, in a container built from the local stack image. */
export async function startApp(): Promise<{ id: string; ip: string }> {
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

export interface Round {
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequestUs?: number;
}

/** Pure: wrk's --latency output as figures (ms). */
export function parseWrk(text: string): Round {
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
export async function wrk(port: number, proxyPid: number | number[] | undefined): Promise<Round> {
  const pids = proxyPid === undefined ? [] : Array.isArray(proxyPid) ? proxyPid : [proxyPid];
  const cpu = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const before = cpu();
  const { stdout } = await run(...onLoadCore(['wrk', '-t1', '-c64', `-d${SECONDS}s`, '--latency', '-H', `Host: ${HOST}`, `http://127.0.0.1:${port}/`]));
  const round = parseWrk(stdout);
  if (pids.length) round.cpuPerRequestUs = ((cpu() - before) * 1e6) / (round.rps * SECONDS);
  return round;
}
