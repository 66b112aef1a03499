// bench/zero-downtime: autocannon keeps 64 connections busy on an app through the router (loopback only) while
// 20 deploys (alternating two bodies) and 20 rollbacks run. Prints total requests, non-2xx responses, socket
// errors, p50/p99 latency in steady state (same run, before the swaps) and during swaps, and rollback time; then a
// `kill -9` of the daemon and its restart under the same load, with the time traffic was unavailable.
import autocannon from 'autocannon';
import { commitAll, startDaemon, type Daemon } from '../test/e2e/_daemon.js';
import { median, runBench } from './_bench.js';
import { nodeAppRepo } from './_node-app.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const CONNECTIONS = 64;
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 10);

function cannon(daemon: Daemon, app: string, duration: number) {
  return autocannon({
    url: `http://127.0.0.1:${daemon.httpPort}/`,
    connections: CONNECTIONS,
    duration,
    headers: { host: `${app}.localhost` },
  });
}

async function waitForBody(daemon: Daemon, app: string, body: string, start: number): Promise<number> {
  for (;;) {
    const res = await daemon.get(app).catch(() => ({ status: 0, body: '' }));
    if (res.body === body) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 5));
  }
}

function summary(label: string, result: autocannon.Result): void {
  console.log(
    `${label.padEnd(12)} requests ${String(result.requests.total).padStart(8)}  non-2xx ${String(result.non2xx).padStart(4)}  ` +
      `socket errors ${String(result.errors).padStart(4)}  timeouts ${String(result.timeouts).padStart(3)}  ` +
      `p50 ${String(result.latency.p50).padStart(4)} ms  p99 ${String(result.latency.p99).padStart(4)} ms  (${(result.requests.average ?? 0).toFixed(0)} req/s)`,
  );
}

const ENV = { PAAS_STOP_GRACE: '10' };

/** Asks the app in a loop until `stop`; resolves with failed answers and the span from the first to the last (ms). */
function probe(daemon: Daemon, app: string): { stop(): Promise<{ asked: number; failed: number; spanMs: number }> } {
  let running = true;
  let asked = 0;
  let failed = 0;
  let first = 0;
  let last = 0;
  const loop = (async () => {
    while (running) {
      const res = await daemon.get(app).catch(() => ({ status: 0, body: '' }));
      asked++;
      if (res.status !== 200) {
        failed++;
        last = performance.now();
        if (!first) first = last;
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { asked, failed, spanMs: first ? last - first : 0 };
    },
  };
}

/** `rounds` times: a deploy of the other body, then a rollback; the time of each push and each rollback to serving. */
async function swapRounds(daemon: Daemon, app: string, repo: string, rounds: number): Promise<{ rollbackMs: number[]; deployMs: number[] }> {
  const rollbackMs: number[] = [];
  const deployMs: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const before = (await daemon.get(app)).body;
    const text = before === 'body A\n' ? 'body B\n' : 'body A\n';
    await commitAll(repo, `round ${round} ${Date.now()}`, { 'index.html': text, 'round.txt': `${round} ${Date.now()}` });
    const deployStart = performance.now();
    const push = await daemon.push(repo, app);
    if (push.code !== 0) throw new Error(`deploy ${round} failed:\n${push.output}`);
    deployMs.push(performance.now() - deployStart);

    const start = performance.now();
    const served = waitForBody(daemon, app, before, start);
    const rollback = await daemon.paas(['rollback', app]);
    if (rollback.code !== 0) throw new Error(`rollback ${round} failed:\n${rollback.output}`);
    rollbackMs.push(await served);
  }
  return { rollbackMs, deployMs };
}

runBench('zdt', ENV, async (daemon, app) => {
  {
    const repo = await nodeAppRepo();
    for (const text of ['body A\n', 'body B\n']) {
      await commitAll(repo, text, { 'index.html': text });
      const push = await daemon.push(repo, app);
      if (push.code !== 0) throw new Error(push.output);
    }

    const steady = await cannon(daemon, app, STEADY_SECONDS);

    const during = cannon(daemon, app, 3600);
    const { rollbackMs, deployMs } = await swapRounds(daemon, app, repo, ROUNDS);
    (during as unknown as { stop(): void }).stop();
    const swaps = await during;

    console.log(`bench/zero-downtime: ${CONNECTIONS} connections through the router, ${ROUNDS} deploys + ${ROUNDS} rollbacks`);
    summary('steady', steady);
    summary('during swaps', swaps);
    const failed = swaps.non2xx + swaps.errors + swaps.timeouts;
    console.log(`failed requests during swaps: ${failed} (target 0)`);
    console.log(`p99 during swaps / steady p99: ${(swaps.latency.p99 / Math.max(1, steady.latency.p99)).toFixed(2)}x (target <= 2x)`);
    console.log(
      `rollback (command start until the old body is served), replaced web held frozen (PAAS_ROLLBACK_WINDOW=600): median ${median(rollbackMs).toFixed(0)} ms (target <= 1000 ms); each: ${rollbackMs.map((n) => n.toFixed(0)).join(', ')}`,
    );
    console.log(`deploy (git push start until it returned): median ${median(deployMs).toFixed(0)} ms`);

    // kill -9 of the daemon, then a new one on the same data dir, under the same load.
    const load = cannon(daemon, app, 3600);
    const probing = probe(daemon, app);
    await new Promise((r) => setTimeout(r, 1000));
    daemon.kill();
    const killedAt = performance.now();
    // The next daemon keeps nothing frozen: rollbacks start their containers cold, for the figure without the window.
    const restarted = await startDaemon({ env: { ...ENV, PAAS_ROLLBACK_WINDOW: '0' }, reuse: daemon });
    const restartMs = performance.now() - killedAt;
    await new Promise((r) => setTimeout(r, 2000));
    const probed = await probing.stop();
    (load as unknown as { stop(): void }).stop();
    const killed = await load;
    const coldLoad = cannon(restarted, app, 3600);
    const cold = await swapRounds(restarted, app, repo, Math.min(ROUNDS, 5));
    (coldLoad as unknown as { stop(): void }).stop();
    const coldSwaps = await coldLoad;
    await restarted.stop();
    summary('kill -9', killed);
    console.log(
      `daemon kill -9 + restart (${(restartMs / 1000).toFixed(1)} s until the new daemon answered): failed requests ${killed.non2xx + killed.errors + killed.timeouts}, ` +
        `probe ${probed.failed} of ${probed.asked} failed, traffic unavailable for ${probed.spanMs.toFixed(0)} ms (target: none)`,
    );
    console.log(
      `rollback without the window (PAAS_ROLLBACK_WINDOW=0, same load): median ${median(cold.rollbackMs).toFixed(0)} ms; each: ${cold.rollbackMs.map((n) => n.toFixed(0)).join(', ')}; ` +
        `failed requests ${coldSwaps.non2xx + coldSwaps.errors + coldSwaps.timeouts}`,
    );
  }
});
