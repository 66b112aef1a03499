// bench/ci: CI overhead from image ready ("Built ..." in the push) to the first line of test output (median of 5;
// target at most 1 s), and the wall time of 4 concurrent runs against 1 run, measured in the same run.
import { commitAll, fixtureRepo, git } from '../test/e2e/_daemon.js';
import { median, runBench } from './_bench.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const testScript = (command: string) => JSON.stringify({ environments: { test: { scripts: { test: command } } } });

runBench('cibench', { PAAS_CI_CONCURRENCY: '4', PAAS_CONCURRENCY: '4' }, async (daemon, app) => {
  const repo = await fixtureRepo('ci-app');
  const base = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();
  const warm = await daemon.push(repo, app);
  if (warm.code !== 0) throw new Error(warm.output);

  const overheads: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await commitAll(repo, `round ${round}`, { 'app.json': testScript('echo first test line'), 'round.txt': String(round) });
    let built = 0;
    let first = 0;
    let buffered = '';
    const start = performance.now();
    const push = await daemon.push(repo, app, `HEAD:refs/heads/bench-${round}`, undefined, (chunk) => {
      buffered += chunk;
      if (!built && /-----> Built paas\//.test(buffered)) built = performance.now() - start;
      if (!first && /remote: {8}first test line/.test(buffered)) first = performance.now() - start;
    });
    if (push.code !== 0 || !first) throw new Error(push.output);
    overheads.push(first - built);
  }

  const wall = async (branches: number): Promise<number> => {
    const shas: string[] = [];
    for (let i = 0; i < branches; i++) {
      await git(repo, ['reset', '-q', '--hard', base]);
      shas.push(
        await commitAll(repo, `parallel ${branches}-${i}`, { 'app.json': testScript('sleep 3; echo done'), 'n.txt': `${branches}-${i}-${Date.now()}` }),
      );
    }
    const start = performance.now();
    const pushes = await Promise.all(shas.map((sha, i) => daemon.push(repo, app, `${sha}:refs/heads/par-${branches}-${i}`)));
    for (const p of pushes) if (!/Tests passed/.test(p.output)) throw new Error(p.output);
    return performance.now() - start;
  };
  const one = await wall(1);
  const four = await wall(4);

  console.log(`bench/ci: Dockerfile app, test runs with no network, ${ROUNDS} rounds`);
  console.log(
    `overhead from image ready to first test output: median ${median(overheads).toFixed(0)} ms (target <= 1000 ms); each: ${overheads.map((n) => n.toFixed(0)).join(', ')} ms`,
  );
  console.log(
    `wall time, 1 run (a 3 s test): ${(one / 1000).toFixed(1)} s; 4 concurrent runs: ${(four / 1000).toFixed(1)} s; ratio ${(four / one).toFixed(2)}x (4 sequential would be ~4x)`,
  );
});
