import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { openDb } from '../../../src/store/db.js';
import { insertApp } from '../../../src/store/apps.js';
import { recordActiveRelease } from '../../../src/store/releases.js';
import { runSwap, nextTargets } from '../../../src/release/swap.js';
import { healPlan, releasePlan, restartPlan, scalePlan, stopPlan, type PlannedRelease } from '../../../src/release/swap-plan.js';
import { removeStrays, restoreRoutes } from '../../../src/release/restore-routes.js';
import { emptySpec } from '../../../src/store/releases.js';
import { lineSink } from '../../../src/log.js';
import { RetiringReplicas } from '../../../src/release/retiring.js';
import { fakePorts } from './_fake-ports.js';

// Each test its own port, so the fakes' loopback servers never meet across tests running at once.
let port = 20000 + Math.floor(Math.random() * 20000);
const setup = (t: ExecutionContext) => {
  const ports = fakePorts(port++);
  t.teardown(() => ports.scheduler.close());
  return ports;
};

const release = (version: number, formation: Record<string, number> = { web: 2, worker: 1 }): PlannedRelease => ({
  app: 'shop',
  version,
  imageId: `sha256:v${version}`,
  spec: { ...emptySpec(), formation, commands: Object.fromEntries(Object.keys(formation).map((p) => [p, p === 'web' ? null : `run-${p}`])) },
});
const none = () => ({});
const quiet = () => {
  const lines: string[] = [];
  return { out: lineSink((l) => lines.push(l)), lines };
};

/** Deploys v1 (web=2, worker=1) so a test starts from a serving app. */
async function serving(ports: ReturnType<typeof fakePorts>) {
  await (
    await runSwap(ports, releasePlan(release(1), [], none, 0), quiet().out)
  ).retired;
  ports.journal.length = 0;
}

test('a deploy starts every new replica, routes all web replicas in one step, then drains and removes the old', async (t) => {
  const ports = setup(t);
  await serving(ports);
  const events: string[] = ports.journal;
  const result = await runSwap(ports, releasePlan(release(2), await ports.scheduler.replicas('shop'), none, 0), quiet().out, {
    commit: async () => void events.push('commit'),
  });
  t.deepEqual(await result.retired, { stopped: 3, held: 0, cut: 0 });
  t.deepEqual(events, [
    'prepare shop',
    'start web.1 v2',
    'start web.2 v2',
    'start worker.1 v2',
    'route shop -> [web.1.v2, web.2.v2]',
    'commit',
    'drain [web.1.v1, web.2.v1]',
    'remove web.1 v1',
    'remove web.2 v1',
    'remove worker.1 v1',
    'settle web.1 v2',
    'settle web.2 v2',
    'settle worker.1 v2',
  ]);
  t.deepEqual(
    (await ports.scheduler.replicas('shop')).map((r) => r.release),
    [2, 2, 2],
  );
});

test('a replica that never gets healthy fails the deploy: nothing new is routed, everything new is removed, the old keeps serving', async (t) => {
  const ports = setup(t);
  await serving(ports);
  ports.scheduler.behaviour = (spec) => (spec.process === 'web' && spec.index === 2 ? 'silent' : 'healthy');
  let committed = false;
  let failed = '';
  const { out, lines } = quiet();
  const error = await t.throwsAsync(
    runSwap(ports, releasePlan(release(2), await ports.scheduler.replicas('shop'), none, 0), out, {
      commit: async () => void (committed = true),
      failed: async (e) => void (failed = e.code),
      outcome: 'the previous release keeps serving',
    }),
  );
  t.is((error as { code?: string }).code, 'PAAS_ERR_UNHEALTHY');
  t.regex(error!.message, /^web\.2 failed its health check: no answer on port \d+ after \d+ s; the previous release keeps serving$/);
  t.false(committed, 'a failed release is never recorded as active');
  t.is(failed, 'PAAS_ERR_UNHEALTHY');
  t.false(
    ports.journal.some((e) => e.startsWith('route')),
    'the routes were never touched',
  );
  t.deepEqual(ports.journal.filter((e) => e.startsWith('remove')).sort(), ['remove web.1 v2', 'remove web.2 v2', 'remove worker.1 v2']);
  t.deepEqual((await ports.scheduler.replicas('shop')).map((r) => `${r.process}.${r.index} v${r.release}`).sort(), ['web.1 v1', 'web.2 v1', 'worker.1 v1']);
  t.true(
    lines.some((l) => l.includes('Last output of web.2:')),
    "the user sees why: the replica's last output",
  );
});

test('a replica that exits at once fails the deploy with its exit code', async (t) => {
  const ports = setup(t);
  ports.scheduler.behaviour = (spec) => (spec.process === 'worker' ? 'exits' : 'healthy');
  const error = await t.throwsAsync(runSwap(ports, releasePlan(release(1), [], none, 0), quiet().out, { outcome: 'nothing was deployed' }));
  t.is(error!.message, 'worker.1 failed its health check: container exited with code 1; nothing was deployed');
  t.deepEqual(await ports.scheduler.replicas('shop'), []);
});

test('a replica that exits soon fails its uptime check even when the replicas started before it took longer than that', async (t) => {
  const ports = setup(t);
  ports.scheduler.startDelayMs = 400;
  ports.scheduler.behaviour = (spec) => (spec.process === 'worker' ? 'exits-soon' : 'healthy');
  // web.1 and web.2 take 0.8 s to start, more than the 0.3 s uptime; the worker exits 0.1 s after its own start.
  const error = await t.throwsAsync(runSwap(ports, releasePlan(release(1), [], none, 0.3), quiet().out, { outcome: 'nothing was deployed' }));
  t.is(error!.message, 'worker.1 failed its health check: container exited with code 1; nothing was deployed');
});

test('a web replica that answered, still runs and answers again is healthy before its uptime window ends', async (t) => {
  const ports = setup(t);
  ports.settings.readyTimeoutMs = 3000;
  // An uptime window of 10 s could never be waited out before the 3 s deadline: the answers are the evidence.
  await runSwap(ports, releasePlan(release(1, { web: 1 }), [], none, 10), quiet().out);
  t.deepEqual(
    (await ports.dataPlane.targets('shop')).map((x) => x.release),
    [1],
  );
});

test('a web replica that falls over right after its first answer fails the deploy', async (t) => {
  const ports = setup(t);
  ports.settings.readyTimeoutMs = 3000;
  ports.scheduler.behaviour = () => 'answers-then-exits';
  const error = await t.throwsAsync(runSwap(ports, releasePlan(release(1, { web: 1 }), [], none, 10), quiet().out, { outcome: 'nothing was deployed' }));
  t.is(error!.message, 'web.1 failed its health check: container exited with code 1; nothing was deployed');
  t.deepEqual(await ports.dataPlane.targets('shop'), []);
});

test('all or nothing: when recording the release fails after the switch, the routes switch back and the new replicas go', async (t) => {
  const ports = setup(t);
  await serving(ports);
  const before = await ports.dataPlane.targets('shop');
  const error = await t.throwsAsync(
    runSwap(ports, releasePlan(release(2), await ports.scheduler.replicas('shop'), none, 0), quiet().out, {
      commit: async () => {
        throw new Error('SQLITE_BUSY: database is locked');
      },
    }),
  );
  t.regex(error!.message, /database is locked/);
  t.deepEqual(await ports.dataPlane.targets('shop'), before, 'traffic is back on what the store says is active');
  t.deepEqual(
    (await ports.scheduler.replicas('shop')).map((r) => r.release),
    [1, 1, 1],
    'nothing unrecorded keeps running',
  );
  t.false(
    ports.journal.some((e) => e.startsWith('drain') || e === 'remove web.1 v1'),
    'the old release was never drained or stopped',
  );
});

test('a deploy returns once the new release serves; the old replicas drain after it, and a drain that times out still stops them and says how many requests it cut', async (t) => {
  const ports = setup(t);
  await serving(ports);
  const old = await ports.dataPlane.targets('shop');
  ports.dataPlane.busy.set(old[0]!.url, 3);
  ports.settings.drainTimeoutMs = 1500;
  const started = Date.now();
  const result = await runSwap(ports, releasePlan(release(2), await ports.scheduler.replicas('shop'), none, 0), quiet().out);
  t.false(
    ports.journal.some((e) => e.startsWith('remove')),
    'the deploy is done once the routes switched, before anything old stops',
  );
  t.deepEqual(
    (await ports.dataPlane.targets('shop')).map((x) => x.release),
    [2, 2],
    'the new release serves',
  );
  t.deepEqual((await ports.scheduler.replicas('shop')).map((r) => r.release).sort(), [1, 1, 1, 2, 2, 2], 'the old replicas drain meanwhile');
  t.is((await result.retired).cut, 3);
  t.true(Date.now() - started >= ports.settings.drainTimeoutMs, 'it waited for the drain timeout before stopping them');
  t.true(ports.journal.includes('drain [web.1.v1, web.2.v1] cut 3'));
  t.deepEqual(
    (await ports.scheduler.replicas('shop')).map((r) => r.release),
    [2, 2, 2],
  );
});

test('a crash right after the switch leaves the new release routed and recorded; restore then removes the old one', async (t) => {
  const ports = setup(t);
  await serving(ports);
  ports.armed = 'switched';
  let committed = false;
  await t.throwsAsync(
    runSwap(ports, releasePlan(release(2), await ports.scheduler.replicas('shop'), none, 0), quiet().out, { commit: async () => void (committed = true) }),
    { message: 'crash at switched' },
  );
  t.true(committed, 'recorded before the crash point');
  t.deepEqual(
    (await ports.dataPlane.targets('shop')).map((x) => x.release),
    [2, 2],
    'routed to what is recorded',
  );
  t.is((await ports.scheduler.replicas('shop')).filter((r) => r.release === 1).length, 3, 'the old replicas outlive the crash');
  // The daemon starts again, and the store says v2 is active.
  const restored = await restoreRoutesWith(ports, 2);
  t.is(restored.removed, 3);
  t.deepEqual(
    (await ports.scheduler.replicas('shop')).map((r) => r.release),
    [2, 2, 2],
  );
  t.deepEqual(
    (await ports.dataPlane.targets('shop')).map((x) => x.release),
    [2, 2],
  );
});

/** restoreRoutes over the fakes, with a real store (SQLite) whose active release of "shop" is `version`. */
async function restoreRoutesWith(ports: ReturnType<typeof fakePorts>, version: number, formation?: Record<string, number>) {
  const db = await openDb({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'paas-swap-')) });
  await insertApp(db, 'shop');
  const r = release(version, formation);
  await recordActiveRelease(db, { ...r, sha: 'a'.repeat(40), description: `Deploy v${version}`, spec: { ...r.spec }, layers: [] });
  try {
    const restored = await restoreRoutes({ db, scheduler: ports.scheduler, dataPlane: ports.dataPlane });
    return { routed: restored.routed, removed: await removeStrays(ports.scheduler, restored.strays) };
  } finally {
    await db.destroy();
  }
}

test('a replica that dies after the switch leaves the routes, and healing starts one in its place beside the survivor', async (t) => {
  const ports = setup(t);
  await serving(ports);
  const [first] = await ports.dataPlane.targets('shop');
  ports.scheduler.kill(first!.id!);
  await ports.dataPlane.dropReplica(first!.id!);
  t.is((await ports.dataPlane.targets('shop')).length, 1, 'the survivor serves alone meanwhile');
  ports.journal.length = 0;
  const routed = new Set((await ports.dataPlane.targets('shop')).map((x) => x.id!));
  const plan = healPlan(release(1), await ports.scheduler.replicas('shop'), routed, none, 0);
  await runSwap(ports, plan, quiet().out);
  t.deepEqual(ports.journal, ['prepare shop', 'start web.1 v1', 'route shop -> [web.2.v1, web.1.v1]', 'remove web.1 v1', 'settle web.1 v1']);
  t.is((await ports.dataPlane.targets('shop')).length, 2);
});

test('healing goes on past a replica that cannot be replaced', async (t) => {
  const ports = setup(t);
  ports.scheduler.behaviour = (spec) => (spec.process === 'web' ? 'exits' : 'healthy');
  const result = await runSwap(ports, healPlan(release(1, { web: 1, worker: 1 }), [], new Set(), none, 0), quiet().out);
  t.is(result.failed.length, 1);
  t.is(result.failed[0]!.error.code, 'PAAS_ERR_UNHEALTHY');
  t.deepEqual(
    (await ports.scheduler.replicas('shop')).map((r) => r.process),
    ['worker'],
  );
});

test('a rolling restart replaces one replica at a time and never leaves web without a target', async (t) => {
  for (const web of [1, 2]) {
    const ports = setup(t);
    await (
      await runSwap(ports, releasePlan(release(1, { web }), [], none, 0), quiet().out)
    ).retired;
    ports.journal.length = 0;
    await runSwap(ports, restartPlan(release(1, { web }), await ports.scheduler.replicas('shop'), none, 0), quiet().out);
    const routes = ports.journal.filter((e) => e.startsWith('route'));
    t.is(routes.length, web, `web=${web}: one switch per replica`);
    t.true(
      routes.every((r) => !r.endsWith('[]')),
      `web=${web}: never zero targets`,
    );
    t.deepEqual(ports.journal.slice(0, 6), [
      'prepare shop',
      'start web.1 v1',
      `route shop -> [${web === 2 ? 'web.2.v1, ' : ''}web.1.v1]`,
      'drain [web.1.v1]',
      'remove web.1 v1',
      'settle web.1 v1',
    ]);
  }
});

test('ps:stop unroutes, drains and pauses every replica (kept), and the app answers as stopped', async (t) => {
  const ports = setup(t);
  await serving(ports);
  await runSwap(ports, stopPlan(release(1), await ports.scheduler.replicas('shop')), quiet().out);
  t.deepEqual(ports.journal, ['route shop -> []', 'stopped shop', 'drain [web.1.v1, web.2.v1]', 'pause web.1 v1', 'pause web.2 v1', 'pause worker.1 v1']);
  t.true(await ports.dataPlane.isStopped('shop'));
  t.is((await ports.scheduler.replicas('shop')).length, 3, 'kept, to start again');
});

test("a step's targets: all replaces the set; each swaps the old replica's target for the new one in place", (t) => {
  const target = (id: string) => ({ id, url: `http://${id}:5000`, container: id, release: 1 });
  const old = { id: 'a', name: 'a', app: 'shop', process: 'web', index: 1, release: 1, ip: 'a', port: 5000, state: 'running' as const };
  t.deepEqual(
    nextTargets({ routes: 'all', old: [old] }, [target('a'), target('b')], [target('c')]).map((x) => x.id),
    ['c'],
  );
  t.deepEqual(
    nextTargets({ routes: 'each', old: [old] }, [target('a'), target('b')], [target('c')]).map((x) => x.id),
    ['b', 'c'],
  );
  t.deepEqual(
    nextTargets({ routes: 'each', old: [] }, [target('a')], [target('a')]).map((x) => x.id),
    ['a'],
    'a replica routed again is not doubled',
  );
});

test('a deploy holds the replaced web replicas once drained (kept frozen for a rollback) and removes the rest', async (t) => {
  const ports = setup(t);
  await serving(ports);
  const result = await runSwap(ports, releasePlan(release(2), await ports.scheduler.replicas('shop'), none, 0, { hold: 1 }), quiet().out);
  t.deepEqual(await result.retired, { stopped: 3, held: 2, cut: 0 });
  t.deepEqual(ports.journal.filter((e) => /^(hold|remove)/.test(e)).sort(), ['hold web.1 v1', 'hold web.2 v1', 'remove worker.1 v1']);
  t.deepEqual((await ports.scheduler.replicas('shop')).map((r) => `${r.process}.${r.index} v${r.release} ${r.state}`).sort(), [
    'web.1 v1 held',
    'web.1 v2 running',
    'web.2 v1 held',
    'web.2 v2 running',
    'worker.1 v2 running',
  ]);
});

test('a scheduler that cannot hold removes the replaced replicas instead', async (t) => {
  const ports = setup(t);
  await serving(ports);
  ports.scheduler.canHold = false;
  const result = await runSwap(ports, releasePlan(release(2), await ports.scheduler.replicas('shop'), none, 0, { hold: 1 }), quiet().out);
  t.deepEqual(await result.retired, { stopped: 3, held: 0, cut: 0 });
  t.deepEqual(
    (await ports.scheduler.replicas('shop')).map((r) => r.release),
    [2, 2, 2],
  );
});

test('a rollback to a release whose web replicas are held serves them again at once, then starts its own and lets the held ones go', async (t) => {
  const ports = setup(t);
  await serving(ports);
  await (
    await runSwap(ports, releasePlan(release(2), await ports.scheduler.replicas('shop'), none, 0, { hold: 1 }), quiet().out)
  ).retired;
  ports.journal.length = 0;
  const { out, lines } = quiet();
  const rollback = { ...release(3), imageId: 'sha256:v1' };
  const result = await runSwap(ports, releasePlan(rollback, await ports.scheduler.replicas('shop'), none, 0, { hold: 2, bridgeFrom: 1 }), out, {
    commit: async () => void ports.journal.push('commit'),
  });
  await result.retired;
  t.deepEqual(
    ports.journal.filter((e) => /^(resume|route|start|commit)/.test(e)),
    [
      'resume web.1 v1',
      'resume web.2 v1',
      'route shop -> [web.1.v1, web.2.v1]',
      'start web.1 v3',
      'start web.2 v3',
      'start worker.1 v3',
      'route shop -> [web.1.v3, web.2.v3]',
      'commit',
    ],
  );
  t.true(lines.some((l) => /Serving web\.1, web\.2 of v1 again \(kept since it was replaced\) while v3 starts/.test(l)));
  t.deepEqual(
    (await ports.scheduler.replicas('shop')).map((r) => `${r.process}.${r.index} v${r.release} ${r.state}`).sort(),
    ['web.1 v2 held', 'web.1 v3 running', 'web.2 v2 held', 'web.2 v3 running', 'worker.1 v3 running'],
    "v2's web is held now, v1's went",
  );
});

test('held replicas that fail to answer again are skipped: the rollback starts as usual', async (t) => {
  const ports = setup(t);
  await serving(ports);
  await (
    await runSwap(ports, releasePlan(release(2), await ports.scheduler.replicas('shop'), none, 0, { hold: 1 }), quiet().out)
  ).retired;
  // Held, and no longer answering.
  for (const r of await ports.scheduler.replicas('shop')) if (r.state === 'held') ports.scheduler.running.get(r.id)!.server?.close();
  const rollback = { ...release(3), imageId: 'sha256:v1' };
  const { out, lines } = quiet();
  const result = await runSwap(ports, releasePlan(rollback, await ports.scheduler.replicas('shop'), none, 0, { bridgeFrom: 1 }), out);
  await result.retired;
  t.true(lines.some((l) => /could not serve from the kept replicas/.test(l)));
  t.deepEqual(
    (await ports.dataPlane.targets('shop')).map((x) => x.release),
    [3, 3],
  );
});

test('a rollback right after a deploy takes back the web replicas still draining: they serve again, and their retirement leaves them alone', async (t) => {
  const ports = setup(t);
  ports.retiring = new RetiringReplicas();
  await serving(ports);
  ports.settings.drainTimeoutMs = 1500;
  ports.dataPlane.busy.set((await ports.dataPlane.targets('shop'))[0]!.url, 1);
  const deploy = await runSwap(ports, releasePlan(release(2), await ports.scheduler.replicas('shop'), none, 0, { hold: 1 }), quiet().out);
  const current = await ports.scheduler.replicas('shop');
  const draining = current.filter((r) => r.release === 1 && r.process === 'web').map((r) => r.id);
  t.deepEqual(
    [...ports.retiring.ids('shop')].sort(),
    current
      .filter((r) => r.release === 1)
      .map((r) => r.id)
      .sort(),
    'v1 is still draining',
  );
  ports.retiring.claim(draining);
  const rollback = { ...release(3), imageId: 'sha256:v1' };
  const { out, lines } = quiet();
  const result = await runSwap(ports, releasePlan(rollback, current, none, 0, { hold: 2, bridgeFrom: 1, retiring: ports.retiring.ids('shop') }), out);
  t.false(lines.some((l) => /could not serve/.test(l)));
  await Promise.all([deploy.retired, result.retired]);
  t.false(
    ports.journal.some((e) => e === 'hold web.1 v1' || e === 'resume web.1 v1'),
    'the deploy neither held nor stopped what the rollback took back',
  );
  t.true(ports.journal.includes('route shop -> [web.1.v1, web.2.v1]'), 'the draining replicas served again');
  t.deepEqual((await ports.scheduler.replicas('shop')).map((r) => `${r.process}.${r.index} v${r.release} ${r.state}`).sort(), [
    'web.1 v2 held',
    'web.1 v3 running',
    'web.2 v2 held',
    'web.2 v3 running',
    'worker.1 v3 running',
  ]);
});

test('scaling touches only the difference: up starts the next indexes and adds them to the routes, down stops the highest; the rest keep running', async (t) => {
  const ports = setup(t);
  await serving(ports);
  const before = await ports.scheduler.replicas('shop');
  const up = await runSwap(ports, scalePlan(release(1), before, { web: 3, worker: 1 }, none, 0), quiet().out);
  await up.retired;
  t.deepEqual(ports.journal, ['prepare shop', 'start web.3 v1', 'route shop -> [web.1.v1, web.2.v1, web.3.v1]', 'settle web.3 v1']);
  const after = await ports.scheduler.replicas('shop');
  t.true(
    before.every((r) => after.some((a) => a.id === r.id)),
    'every replica that ran before still runs, untouched',
  );
  ports.journal.length = 0;
  const scaled = { ...release(1), spec: { ...release(1).spec, formation: { web: 3, worker: 1 } } };
  const down = await runSwap(ports, scalePlan(scaled, after, { web: 1, worker: 0 }, none, 0), quiet().out);
  await down.retired;
  t.deepEqual(ports.journal, ['route shop -> [web.1.v1]', 'drain [web.2.v1, web.3.v1]', 'remove web.2 v1', 'remove web.3 v1', 'remove worker.1 v1']);
  t.deepEqual(
    (await ports.scheduler.replicas('shop')).map((r) => r.id),
    [before.find((r) => r.process === 'web' && r.index === 1)!.id],
  );
  t.deepEqual(scalePlan(release(1), before, { web: 2, worker: 1 }, none, 0).steps, [], 'the same count is no step at all');
});

test('a scale cut short leaves replicas beyond the recorded formation, which the next start removes', async (t) => {
  const ports = setup(t);
  await serving(ports);
  ports.armed = 'switched';
  await t.throwsAsync(runSwap(ports, scalePlan(release(1), await ports.scheduler.replicas('shop'), { web: 3, worker: 1 }, none, 0), quiet().out), {
    message: 'crash at switched',
  });
  // The crash came before the formation was recorded: the store says web=2.
  const restored = await restoreRoutesWith(ports, 1, { web: 2, worker: 1 });
  t.is(restored.removed, 1);
  t.deepEqual((await ports.scheduler.replicas('shop')).map((r) => `${r.process}.${r.index}`).sort(), ['web.1', 'web.2', 'worker.1']);
  t.deepEqual(
    (await ports.dataPlane.targets('shop')).map((x) => x.id?.split('#')[0]),
    ['web.1.v1', 'web.2.v1'],
  );
});

test("a scheduler that places by its nodes' load has the replaced replicas drained and stopped before the swap ends", async (t) => {
  const ports = setup(t);
  await serving(ports);
  ports.scheduler.retiresAfterSwap = false;
  await runSwap(ports, releasePlan(release(2), await ports.scheduler.replicas('shop'), none, 0), quiet().out);
  t.deepEqual(
    (await ports.scheduler.replicas('shop')).map((r) => r.release),
    [2, 2, 2],
    'nothing of v1 runs when the swap returns',
  );
});
