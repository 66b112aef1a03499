// bench/swarm: the Swarm scheduler against the local one, in the same run, on a real cluster made here (the host's
// engine as manager, two Docker-in-Docker workers):
//   - push-to-live of a code-only change (median of ROUNDS), Swarm against local (target: at most 2x);
//   - bytes the registry received per code-only deploy, against the bytes changed (target: changed + 1 MB);
//   - router req/s (wrk, 64 keep-alive connections) to one replica on a worker node against one on the manager.
// Installs wrk when missing; everything stays on this machine and stops by itself.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { commitAll, run, startDaemon, uniqueName, type Daemon } from '../test/e2e/_daemon.js';
import { createCluster, registryBlobs } from '../test/cluster/_swarm-cluster.js';
import { nodeAppRepo } from './_node-app.js';
import { median } from './_bench.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

/** Code-only pushes of the bench app; push-to-live (ms) of each, and what each changed (bytes). */
async function pushToLive(
  daemon: Daemon,
  app: string,
  repo: string,
  onRound: (round: number) => void = () => {},
): Promise<{ times: number[]; changed: number[] }> {
  const times: number[] = [];
  const changed: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    onRound(round);
    const body = `swarm bench round ${round} ${Date.now()}\n`;
    await commitAll(repo, `round ${round}`, { 'index.html': body });
    const start = performance.now();
    const push = await daemon.push(repo, app);
    if (push.code !== 0) throw new Error(`push failed:\n${push.output}`);
    for (;;) {
      const res = await daemon.get(app).catch(() => ({ status: 0, body: '' }));
      if (res.body === body) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    times.push(performance.now() - start);
    changed.push(Buffer.byteLength(body));
  }
  return { times, changed };
}

async function wrkRps(daemon: Daemon, app: string): Promise<number> {
  const { stdout } = await run('wrk', ['-t1', '-c64', `-d${SECONDS}s`, '-H', `Host: ${app}.localhost`, `http://127.0.0.1:${daemon.httpPort}/`]);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (/Non-2xx|Socket errors/.test(stdout) || !rps) throw new Error(`wrk saw failures:\n${stdout}`);
  return Number(rps[1]);
}

async function nodeOf(daemon: Daemon): Promise<{ hostname: string; role: string }[]> {
  const nodes = JSON.parse((await daemon.paas(['nodes', '--json'])).stdout) as { hostname: string; role: string; replicas: number }[];
  return nodes.filter((n) => n.replicas > 0);
}

async function main(): Promise<void> {
  if (spawnSync('wrk', ['--version']).error) {
    const installed = spawnSync('apt-get', ['install', '-y', '-q', 'wrk'], { stdio: 'inherit' });
    if (installed.status !== 0) throw new Error('wrk is needed: apt-get install wrk');
  }
  const repo = await nodeAppRepo();
  const env = { PAAS_READY_TIMEOUT: '60', PAAS_STOP_GRACE: '5', PAAS_DRAIN_TIMEOUT: '5' };

  // The local scheduler first, on the same engine, with the same app.
  const local = await startDaemon({ env });
  const localApp = uniqueName('bench-local');
  let localTimes: number[];
  try {
    const warm = await local.push(repo, localApp);
    if (warm.code !== 0) throw new Error(warm.output);
    localTimes = (await pushToLive(local, localApp, repo)).times;
    await local.paas(['apps:destroy', localApp, '--confirm', localApp]);
  } finally {
    await local.stop();
  }

  const cluster = await createCluster(2);
  let daemon: Daemon | undefined;
  const app = uniqueName('bench-swarm');
  try {
    daemon = await startDaemon({ env: { ...env, PAAS_SCHEDULER: 'swarm' } });
    await cluster.trustRegistry(`${cluster.managerAddr}:5000`, fs.readFileSync(path.join(daemon.dataDir, 'registry', 'ca.crt'), 'utf8'));
    await daemon.paas(['apps:create', app]);
    const warm = await daemon.push(repo, app);
    if (warm.code !== 0) throw new Error(warm.output);
    let before = registryBlobs(daemon.dataDir);
    const shipped: number[] = [];
    const swarm = await pushToLive(daemon, app, repo, (round) => {
      if (round > 1) {
        const after = registryBlobs(daemon!.dataDir);
        shipped.push([...after].filter(([d]) => !before.has(d)).reduce((sum, [, bytes]) => sum + bytes, 0));
        before = after;
      }
    });
    const after = registryBlobs(daemon.dataDir);
    shipped.push([...after].filter(([d]) => !before.has(d)).reduce((sum, [, bytes]) => sum + bytes, 0));

    // One replica: measured where it runs, then moved (by draining) to the other kind of node and measured again.
    const rps: Record<string, number> = {};
    let where = (await nodeOf(daemon))[0]!;
    rps[where.role.startsWith('manager') ? 'manager' : 'worker'] = await wrkRps(daemon, app);
    const manager = JSON.parse((await daemon.paas(['nodes', '--json'])).stdout).find((n: { role: string }) => n.role.startsWith('manager')).hostname as string;
    const toDrain = where.role.startsWith('manager') ? [manager] : cluster.nodes.map((n) => n.name);
    for (const node of toDrain) {
      const out = await daemon.paas(['nodes:drain', node]);
      if (out.code !== 0) throw new Error(out.output);
    }
    where = (await nodeOf(daemon))[0]!;
    rps[where.role.startsWith('manager') ? 'manager' : 'worker'] = await wrkRps(daemon, app);
    for (const node of toDrain) await daemon.paas(['nodes:activate', node]);

    const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const localMedian = median(localTimes);
    const swarmMedian = median(swarm.times);
    console.log(`bench/swarm: ${ROUNDS} code-only pushes of a small Node app, manager + 2 Docker-in-Docker workers, web=1`);
    console.log(`  push-to-live, local scheduler (baseline): median ${fmt(localMedian)}  [${localTimes.map(fmt).join(', ')}]`);
    console.log(`  push-to-live, swarm scheduler:            median ${fmt(swarmMedian)}  [${swarm.times.map(fmt).join(', ')}]`);
    console.log(`  ratio swarm/local: ${(swarmMedian / localMedian).toFixed(2)}x (target: at most 2x)`);
    console.log(
      `  bytes the registry received per code-only deploy: ${shipped.map((b) => `${b} B`).join(', ')}; bytes changed: ${swarm.changed[0]} B (target: changed + 1 MB)`,
    );
    console.log(
      `  router req/s, wrk 64 connections, ${SECONDS} s: replica on a worker ${rps.worker?.toFixed(0)}, on the manager ${rps.manager?.toFixed(0)}, ratio ${(
        (rps.worker ?? 0) / (rps.manager ?? 1)
      ).toFixed(2)}x`,
    );
  } finally {
    await daemon?.paas(['apps:destroy', app, '--confirm', app]).catch(() => undefined);
    await daemon?.stop();
    await cluster.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
