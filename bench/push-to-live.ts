// bench/push-to-live: time from `git push` until the router serves the new body, for code-only changes to a small
// Dockerfile app with a warm layer cache. Median of 5 with the breakdown per phase; baseline: the same push to a
// branch that does not deploy (transfer and hook only), measured in the same run. Then the same pushes built by
// Docker's classic builder (PAAS_DOCKER_BUILDER=legacy, a second daemon), for BuildKit against it.
import { commitAll, fixtureRepo, removeApps, startDaemon, uniqueName, type Daemon } from '../test/e2e/_daemon.js';
import { median, runBench, servedAfter } from './_bench.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const PHASES = [
  ['transfer', /Queued build/],
  ['queue wait', /Building .* from Dockerfile/],
  ['build', /-----> Built paas\//],
  ['start', /-----> Starting .* waiting for health checks/],
  ['ready', /All processes healthy/],
] as const;

const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;

interface Measured {
  rows: Record<string, number>[];
  baseline: number[];
}

async function measure(daemon: Daemon, app: string): Promise<Measured> {
  const repo = await fixtureRepo('dockerfile-hello');
  const warm = await daemon.push(repo, app);
  if (warm.code !== 0) throw new Error(`warm-up push failed:\n${warm.output}`);

  const rows: Record<string, number>[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const body = `bench round ${round} ${Date.now()}\n`;
    await commitAll(repo, `round ${round}`, { 'index.html': body });
    const marks: Record<string, number> = {};
    const start = performance.now();
    let buffered = '';
    const onData = (chunk: string) => {
      buffered += chunk;
      for (const [name, pattern] of PHASES) if (marks[name] === undefined && pattern.test(buffered)) marks[name] = performance.now() - start;
    };
    const watching = servedAfter(daemon, app, body, start);
    const push = await daemon.push(repo, app, 'main', undefined, onData);
    if (push.code !== 0) throw new Error(`push failed:\n${push.output}`);
    const served = await watching;
    const pushReturned = performance.now() - start;
    rows.push({ ...marks, 'route switch': served - (marks.ready ?? served), served, 'push returned': pushReturned });
  }

  const baseline: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await commitAll(repo, `baseline ${round}`, { 'notes.txt': String(round) });
    const start = performance.now();
    const push = await daemon.push(repo, app, `HEAD:refs/tags/bench-baseline-${round}`);
    if (push.code !== 0) throw new Error(`baseline push failed:\n${push.output}`);
    baseline.push(performance.now() - start);
  }
  return { rows, baseline };
}

runBench('bench', {}, async (daemon, app) => {
  const { rows, baseline } = await measure(daemon, app);
  console.log(`bench/push-to-live: ${ROUNDS} code-only pushes of a small Dockerfile app, warm layer cache (BuildKit)`);
  console.log('phase (cumulative mark, median)');
  let previous = 0;
  for (const [name] of PHASES) {
    const mark = median(rows.map((r) => r[name]!));
    console.log(`  ${name.padEnd(14)} ${ms(mark - previous)}   (at ${ms(mark)})`);
    previous = mark;
  }
  console.log(`  ${'route switch'.padEnd(14)} ${ms(median(rows.map((r) => r['route switch']!)))}`);
  const served = median(rows.map((r) => r.served!));
  const base = median(baseline);
  console.log(`push-to-live median: ${ms(served)}  (each: ${rows.map((r) => r.served!.toFixed(0)).join(', ')} ms; target <= 3000 ms)`);
  console.log(`push returned median: ${ms(median(rows.map((r) => r['push returned']!)))}`);
  console.log(`baseline (push of a tag: transfer and hook, no build) median: ${ms(base)}; push-to-live / baseline = ${(served / base).toFixed(2)}x`);

  // The classic builder, same pushes, same engine, second daemon.
  const legacyDaemon = await startDaemon({ env: { PAAS_DOCKER_BUILDER: 'legacy' } });
  const legacyApp = uniqueName('benchlegacy');
  try {
    const legacy = await measure(legacyDaemon, legacyApp);
    const build = (m: Measured) => median(m.rows.map((r) => r.build! - r['queue wait']!));
    const legacyServed = median(legacy.rows.map((r) => r.served!));
    console.log(`legacy builder: push-to-live median ${ms(legacyServed)}, build step median ${ms(build(legacy))}`);
    console.log(
      `BuildKit / legacy: push-to-live ${(served / legacyServed).toFixed(2)}x, build step ${(build({ rows, baseline }) / build(legacy)).toFixed(2)}x (build step BuildKit ${ms(build({ rows, baseline }))})`,
    );
  } finally {
    await legacyDaemon.stop();
    await removeApps([legacyApp]);
  }
});
