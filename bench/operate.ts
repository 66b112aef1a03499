// bench/operate: what operating an app costs. (1) `ps:restart` of 2 web replicas, 10 times, while autocannon
// keeps 64 connections busy through the router: failed requests, p99 against steady state in the same run, and
// restart time. (2) `paas run APP -- true` (a one-off container, attached, removed) against `paas config APP`
// (one API round trip) measured in the same run.
import autocannon from 'autocannon';
import type { Daemon } from '../test/e2e/_daemon.js';
import { median, runBench } from './_bench.js';
import { nodeAppRepo } from './_node-app.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const CONNECTIONS = 64;

function cannon(daemon: Daemon, app: string, duration: number) {
  return autocannon({ url: `http://127.0.0.1:${daemon.httpPort}/`, connections: CONNECTIONS, duration, headers: { host: `${app}.localhost` } });
}

async function timed(daemon: Daemon, args: string[]): Promise<number> {
  const start = performance.now();
  const result = await daemon.paas(args);
  if (result.code !== 0) throw new Error(`${args.join(' ')} failed:\n${result.output}`);
  return performance.now() - start;
}

runBench('ops', { PAAS_STOP_GRACE: '10' }, async (daemon, app) => {
  const push = await daemon.push(await nodeAppRepo(), app);
  if (push.code !== 0) throw new Error(push.output);
  await timed(daemon, ['ps:scale', app, 'web=2']);

  const steady = await cannon(daemon, app, 10);
  const during = cannon(daemon, app, 3600);
  const restartMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) restartMs.push(await timed(daemon, ['ps:restart', app]));
  (during as unknown as { stop(): void }).stop();
  const restarts = await during;

  const runMs: number[] = [];
  const apiMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    apiMs.push(await timed(daemon, ['config', app]));
    runMs.push(await timed(daemon, ['run', app, '--', 'true']));
  }

  const failed = restarts.non2xx + restarts.errors + restarts.timeouts;
  console.log(`bench/operate: ${CONNECTIONS} connections through the router, ${ROUNDS} rolling restarts of web=2`);
  console.log(`requests during restarts: ${restarts.requests.total}, failed: ${failed} (target 0)`);
  console.log(
    `p99 steady ${steady.latency.p99} ms, during restarts ${restarts.latency.p99} ms: ${(restarts.latency.p99 / Math.max(1, steady.latency.p99)).toFixed(2)}x`,
  );
  console.log(`ps:restart (2 replicas, one at a time): median ${median(restartMs).toFixed(0)} ms`);
  console.log(
    `paas run APP -- true: median ${median(runMs).toFixed(0)} ms; paas config APP (baseline, same run): median ${median(apiMs).toFixed(0)} ms (${(median(runMs) / median(apiMs)).toFixed(1)}x)`,
  );
});
