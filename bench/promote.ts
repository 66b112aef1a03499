// bench/promote: pipelines:promote of a tested staging release to production, against a rollback of production to
// its previous release in the same run (target: promote <= 1.2x rollback), and what the promotions wrote to the
// engine (target: no new image layer). Medians of BENCH_ROUNDS rounds, each: push a new commit to staging (not
// timed), promote it, then roll production back to what it ran before. Then a branch push until its review app
// serves, against a push of the deploy branch.
import { commitAll, docker, fixtureRepo, git, removeApps, type Daemon } from '../test/e2e/_daemon.js';
import { median, runBench, servedAfter } from './_bench.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;

/** Runs `paas args` and times it until `app` serves `body` and until the command returned. */
async function timed(daemon: Daemon, args: string[], app: string, body: string): Promise<{ served: number; returned: number }> {
  const start = performance.now();
  const watching = servedAfter(daemon, app, body, start);
  const run = await daemon.paas(args);
  if (run.code !== 0) throw new Error(`paas ${args.join(' ')} failed:\n${run.output}`);
  const returned = performance.now() - start;
  return { served: await watching, returned };
}

async function layersBytes(): Promise<number> {
  const df = (await docker.df()) as { LayersSize?: number };
  return df.LayersSize ?? 0;
}

const production = (app: string) => `${app}-prd`;

runBench(
  'bench',
  {},
  async (daemon, staging) => {
    const prod = production(staging);
    const pipeline = `${staging}-pipe`;
    for (const args of [
      ['apps:create', prod],
      ['pipelines:create', pipeline],
      ['pipelines:add', staging, '--pipeline', pipeline, '--stage', 'staging'],
      ['pipelines:add', prod, '--pipeline', pipeline, '--stage', 'production'],
    ]) {
      const r = await daemon.paas(args);
      if (r.code !== 0 && !(args[0] === 'pipelines:add' && args[1] === staging)) throw new Error(`paas ${args.join(' ')} failed:\n${r.output}`);
    }
    const repo = await fixtureRepo('ci-app');
    await commitAll(repo, 'warm', { 'www/index.html': 'hello warm\n' });
    const warm = await daemon.push(repo, staging);
    if (warm.code !== 0) throw new Error(`warm-up push failed:\n${warm.output}`);
    await daemon.paas(['pipelines:add', staging, '--pipeline', pipeline, '--stage', 'staging']);
    await timed(daemon, ['pipelines:promote', staging], prod, 'hello warm\n');

    const promote: { served: number; returned: number }[] = [];
    const rollback: { served: number; returned: number }[] = [];
    let written = 0;
    let previous = 'hello warm\n';
    for (let round = 1; round <= ROUNDS; round++) {
      const body = `hello round ${round} ${Date.now()}\n`;
      await commitAll(repo, `round ${round}`, { 'www/index.html': body });
      const push = await daemon.push(repo, staging);
      if (push.code !== 0) throw new Error(`push failed:\n${push.output}`);
      const before = await layersBytes();
      promote.push(await timed(daemon, ['pipelines:promote', staging], prod, body));
      written += (await layersBytes()) - before;
      rollback.push(await timed(daemon, ['rollback', prod], prod, previous));
      // Back on the promoted release for the next round, so each rollback goes to what production ran before.
      await timed(daemon, ['rollback', prod], prod, body);
      previous = body;
    }
    const p = median(promote.map((r) => r.served));
    const r = median(rollback.map((x) => x.served));
    console.log(`bench/promote: ${ROUNDS} rounds of a tested staging release promoted to production, then production rolled back`);
    console.log(`  promote, served on production   ${ms(p)}   (returned ${ms(median(promote.map((x) => x.returned)))})`);
    console.log(`  rollback, served on production  ${ms(r)}   (returned ${ms(median(rollback.map((x) => x.returned)))})`);
    const pr = median(promote.map((x) => x.returned));
    const rr = median(rollback.map((x) => x.returned));
    console.log(`  promote / rollback, served      ${(p / r).toFixed(2).padStart(9)}x   target <= 1.2x (the rollback serves from held replicas first)`);
    console.log(`  promote / rollback, returned    ${(pr / rr).toFixed(2).padStart(9)}x`);
    console.log(`  image layer bytes the ${ROUNDS} promotions wrote to the engine: ${written} (target: 0)`);

    // Branch push to its review app serving, against a push of the deploy branch to staging, in the same run.
    await daemon.paas(['reviewapps:enable', '--pipeline', pipeline, '--autodeploy']);
    const reviewPush: number[] = [];
    const stagingPush: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      await git(repo, ['checkout', '-q', '-B', `review-${round}`, 'main']);
      const body = `hello review ${round} ${Date.now()}\n`;
      await commitAll(repo, `review ${round}`, { 'www/index.html': body });
      let start = performance.now();
      const pushed = await daemon.push(repo, staging, `review-${round}`);
      if (pushed.code !== 0 || (await daemon.get(`${staging}-review-${round}`)).body !== body) throw new Error(`review push failed:\n${pushed.output}`);
      reviewPush.push(performance.now() - start);
      await git(repo, ['checkout', '-q', 'main']);
      const main = `hello main ${round} ${Date.now()}\n`;
      await commitAll(repo, `main ${round}`, { 'www/index.html': main });
      start = performance.now();
      const deployed = await daemon.push(repo, staging);
      if (deployed.code !== 0) throw new Error(`push failed:\n${deployed.output}`);
      stagingPush.push(performance.now() - start);
      await daemon.paas(['reviewapps:destroy', `${staging}-review-${round}`]);
    }
    const rv = median(reviewPush);
    const sp = median(stagingPush);
    console.log(`  branch push, review app serving ${ms(rv)}   (the branch's CI run, then its review app: made, built from cache, not tested twice)`);
    console.log(`  deploy-branch push to staging   ${ms(sp)}`);
    console.log(`  review app / staging push       ${(rv / sp).toFixed(2).padStart(9)}x`);
  },
  async (app) => removeApps([production(app)]),
);
