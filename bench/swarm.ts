// bench/swarm: the Swarm scheduler against the local one, in the same run, on a real cluster made here (the host's
// engine as manager, two Docker-in-Docker workers):
//   - push-to-live of a code-only change (median of ROUNDS), Swarm against local (target: at most 2x);
//   - bytes the registry received per code-only deploy, against the bytes changed (target: changed + 1 MB);
//   - router req/s (wrk, 64 keep-alive connections) to one replica on a worker node against one on the manager.
// Both pairs are measured in interleaved rounds (local then Swarm; manager then worker), so a noisy moment of the
// machine falls on both sides.
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

/** One code-only push of the bench app: its push-to-live (ms) and the bytes it changed. */
async function pushToLive(daemon: Daemon, app: string, repo: string, round: number): Promise<{ ms: number; changed: number }> {
  const body = `swarm bench round ${round} ${app} ${Date.now()}\n`;
  await commitAll(repo, `round ${round}`, { 'index.html': body });
  const start = performance.now();
  const push = await daemon.push(repo, app);
  if (push.code !== 0) throw new Error(`push failed:\n${push.output}`);
  for (;;) {
    const res = await daemon.get(app).catch(() => ({ status: 0, body: '' }));
    if (res.body === body) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return { ms: performance.now() - start, changed: Buffer.byteLength(body) };
}

async function wrkRps(daemon: Daemon, app: string): Promise<number> {
  const { stdout } = await run('wrk', ['-t1', '-c64', `-d${SECONDS}s`, '-H', `Host: ${app}.localhost`, `http://127.0.0.1:${daemon.httpPort}/`]);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (/Non-2xx|Socket errors/.test(stdout) || !rps) throw new Error(`wrk saw failures:\n${stdout}`);
  return Number(rps[1]);
}

interface NodeRow {
  hostname: string;
  role: string;
  replicas: number;
}

async function nodes(daemon: Daemon): Promise<NodeRow[]> {
  return JSON.parse((await daemon.paas(['nodes', '--json'])).stdout) as NodeRow[];
}

const isManager = (n: NodeRow) => n.role.startsWith('manager');

/** Where the app's one replica runs: 'manager' or 'worker'. */
async function placement(daemon: Daemon): Promise<'manager' | 'worker'> {
  const where = (await nodes(daemon)).find((n) => n.replicas > 0);
  if (!where) throw new Error('the bench app has no running replica');
  return isManager(where) ? 'manager' : 'worker';
}

/** Moves the app's replica to the other kind of node: every node active, then the current kind drained. */
async function move(daemon: Daemon): Promise<void> {
  const all = await nodes(daemon);
  for (const node of all) await daemon.paas(['nodes:activate', node.hostname]);
  const from = (await placement(daemon)) === 'manager';
  for (const node of all.filter((n) => isManager(n) === from)) {
    const out = await daemon.paas(['nodes:drain', node.hostname]);
    if (out.code !== 0) throw new Error(out.output);
  }
}

const blobsAdded = (before: Map<string, number>, after: Map<string, number>) =>
  [...after].filter(([d]) => !before.has(d)).reduce((sum, [, bytes]) => sum + bytes, 0);

async function main(): Promise<void> {
  if (spawnSync('wrk', ['--version']).error) {
    const installed = spawnSync('apt-get', ['install', '-y', '-q', 'wrk'], { stdio: 'inherit' });
    if (installed.status !== 0) throw new Error('wrk is needed: apt-get install wrk');
  }
  const repo = await nodeAppRepo();
  const env = { PAAS_READY_TIMEOUT: '60', PAAS_STOP_GRACE: '5', PAAS_DRAIN_TIMEOUT: '5' };

  // Both daemons on the same engine, with the same app: the local scheduler's, and the Swarm one's on a cluster.
  const local = await startDaemon({ env });
  const localApp = uniqueName('bench-local');
  const cluster = await createCluster(2).catch(async (err: unknown) => {
    await local.stop();
    throw err;
  });
  let daemon: Daemon | undefined;
  const app = uniqueName('bench-swarm');
  try {
    const warmLocal = await local.push(repo, localApp);
    if (warmLocal.code !== 0) throw new Error(warmLocal.output);
    daemon = await startDaemon({ env: { ...env, PAAS_SCHEDULER: 'swarm' } });
    await cluster.trustRegistry(`${cluster.managerAddr}:5000`, fs.readFileSync(path.join(daemon.dataDir, 'registry', 'ca.crt'), 'utf8'));
    await daemon.paas(['apps:create', app]);
    const warm = await daemon.push(repo, app);
    if (warm.code !== 0) throw new Error(warm.output);

    const localTimes: number[] = [];
    const swarmTimes: number[] = [];
    const shipped: number[] = [];
    let changed = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      localTimes.push((await pushToLive(local, localApp, repo, round)).ms);
      const before = registryBlobs(daemon.dataDir);
      const pushed = await pushToLive(daemon, app, repo, round);
      swarmTimes.push(pushed.ms);
      shipped.push(blobsAdded(before, registryBlobs(daemon.dataDir)));
      changed = pushed.changed;
    }
    await local.paas(['apps:destroy', localApp, '--confirm', localApp]);

    // One replica, measured where it runs, then moved to the other kind of node, and back, ROUNDS times each.
    const rps: Record<'manager' | 'worker', number[]> = { manager: [], worker: [] };
    for (let i = 0; i < 2 * ROUNDS; i++) {
      if (i > 0) await move(daemon);
      rps[await placement(daemon)].push(await wrkRps(daemon, app));
    }
    for (const node of await nodes(daemon)) await daemon.paas(['nodes:activate', node.hostname]);

    const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const localMedian = median(localTimes);
    const swarmMedian = median(swarmTimes);
    const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(`bench/swarm: ${ROUNDS} interleaved code-only pushes of a small Node app, manager + 2 Docker-in-Docker workers, web=1`);
    console.log(`  push-to-live, local scheduler (baseline): median ${fmt(localMedian)}  [${localTimes.map(fmt).join(', ')}]`);
    console.log(`  push-to-live, swarm scheduler:            median ${fmt(swarmMedian)}  [${swarmTimes.map(fmt).join(', ')}]`);
    console.log(`  ratio swarm/local: ${(swarmMedian / localMedian).toFixed(2)}x (target: at most 2x)`);
    console.log(
      `  bytes the registry received per code-only deploy: ${shipped.map((b) => `${b} B`).join(', ')}; bytes changed: ${changed} B (target: changed + 1 MB)`,
    );
    console.log(
      `  router req/s, wrk 64 connections, ${SECONDS} s rounds: replica on a worker median ${median(rps.worker).toFixed(0)} [${list(rps.worker)}], ` +
        `on the manager median ${median(rps.manager).toFixed(0)} [${list(rps.manager)}], ratio ${(median(rps.worker) / median(rps.manager)).toFixed(2)}x`,
    );
  } finally {
    await local.paas(['apps:destroy', localApp, '--confirm', localApp]).catch(() => undefined);
    await local.stop();
    await daemon?.paas(['apps:destroy', app, '--confirm', app]).catch(() => undefined);
    await daemon?.stop();
    await cluster.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
