import test from 'ava';
import type { Replica } from '../../../src/ports/scheduler.js';
import { healPlan, routedAtTheirAddress } from '../../../src/release/swap-plan.js';
import { replicaEvent } from '../../../src/docker/container-events.js';
import { RouteTable } from '../../../src/router/route-table.js';
import { emptySpec } from '../../../src/store/releases.js';

const replica = (id: string, process: string, index: number, release = 3, state: Replica['state'] = 'running'): Replica => ({
  id,
  name: id,
  app: 'shop',
  process,
  index,
  release,
  ip: '10.0.0.9',
  port: 5000,
  state,
});
const labels = (process: string, index: number, release = 3) => ({
  'paas.app': 'shop',
  'paas.release': String(release),
  'paas.process': process,
  'paas.replica': String(index),
});
const release = (formation: Record<string, number>) => ({ app: 'shop', version: 3, imageId: 'sha256:img', spec: { ...emptySpec(), formation } });

test("healing looks at the active release's formation only: what runs unrouted, what died, what is missing", (t) => {
  const current = [replica('w1', 'web', 1), replica('w2-dead', 'web', 2, 3, 'stopped'), replica('old', 'web', 2, 2), replica('w3', 'web', 3)];
  const plan = healPlan(release({ web: 3, worker: 1 }), current, new Set(['w3']), () => ({}), 1.5);
  t.deepEqual(
    plan.steps.map(
      (s) =>
        `${[...s.start, ...s.adopt].map((r) => `${r.process}.${r.index}`).join()} adopt:${s.adopt.map((r) => r.id).join()} old:${s.old.map((r) => r.id).join()}`,
    ),
    ['web.1 adopt:w1 old:', 'web.2 adopt: old:w2-dead', 'worker.1 adopt: old:'],
    'w1 runs but is not routed: checked and routed again; w3 is routed: left alone; v2 is never touched',
  );
  t.is(plan.onFailure, 'skip', 'one replica that cannot be replaced does not hold back the others');
  const restarting = healPlan(release({ web: 1 }), [replica('r', 'web', 1, 3, 'restarting')], new Set(), () => ({}), 1.5);
  t.deepEqual(restarting.steps, [], 'a replica Docker is restarting is left to Docker, never doubled');
  const kicked = healPlan(release({ web: 1 }), [replica('r', 'web', 1, 3, 'restarting')], new Set(), () => ({}), 1.5, true);
  t.deepEqual(
    kicked.steps.map((s) => ({ start: s.start.map((r) => `${r.process}.${r.index}`), old: s.old.map((r) => r.id) })),
    [{ start: ['web.1'], old: ['r'] }],
    "once the service it crash-loops on is back, a new replica replaces it instead of waiting out Docker's back-off",
  );
});

test('a replica the engine restarted at a new address while no event said so counts as unrouted, and is routed again', (t) => {
  const moved = { ...replica('w1', 'web', 1), ip: '10.0.0.12' };
  const stayed = replica('w2', 'web', 2);
  const unlabelled = { ...replica('w3', 'web', 3), port: 0 };
  const targets = [
    { url: 'http://10.0.0.9:5000', container: 'w1', release: 3, id: 'w1' },
    { url: 'http://10.0.0.9:5000', container: 'w2', release: 3, id: 'w2' },
    { url: 'http://10.0.0.9:5000', container: 'w3', release: 3, id: 'w3' },
  ];
  const routed = routedAtTheirAddress(targets, [moved, stayed, unlabelled], 5000);
  t.deepEqual([...routed].sort(), ['w2', 'w3'], "w1's target names its old address; w3 serves on the release's port");
  const plan = healPlan(release({ web: 3 }), [moved, stayed, unlabelled], routed, () => ({}), 1.5);
  t.deepEqual(
    plan.steps.map((s) => s.adopt.map((r) => r.id)),
    [['w1']],
  );
});

test("a dying replica's event drops its target and heals its app; CI and one-off containers heal nothing", (t) => {
  const actor = (l: Record<string, string>) => ({ ID: 'abc', Attributes: { name: 'x', ...l } });
  const effect = (event: Parameters<typeof replicaEvent>[0]) => {
    const e = replicaEvent(event);
    return e ? { kind: e.kind, heal: e.replica } : undefined;
  };
  t.deepEqual(effect({ Action: 'die', Actor: actor(labels('web', 1)) }), { kind: 'gone', heal: true });
  t.deepEqual(effect({ Action: 'health_status: unhealthy', Actor: actor(labels('web', 1)) }), { kind: 'gone', heal: true });
  t.deepEqual(effect({ Action: 'start', Actor: actor(labels('web', 1)) }), { kind: 'back', heal: true });
  t.deepEqual(effect({ Action: 'die', Actor: actor({ 'paas.app': 'shop', 'paas.process': 'test' }) }), { kind: 'gone', heal: false });
  t.is(effect({ Action: 'start', Actor: actor({ ...labels('run', 7), 'paas.one-off': 'true' }) }), undefined);
  t.is(effect({ Action: 'exec_start: sh', Actor: actor(labels('web', 1)) }), undefined);
});

test("a dropped container leaves its app's targets; the others keep serving", (t) => {
  const table = new RouteTable();
  table.swap('shop', [
    { url: 'http://10.0.0.2:5000', container: 'a', release: 1, id: 'a' },
    { url: 'http://10.0.0.3:5000', container: 'b', release: 1, id: 'b' },
  ]);
  t.is(table.dropContainer('a'), 'shop');
  t.deepEqual(
    table.targets('shop').map((x) => x.id),
    ['b'],
  );
  t.is(table.dropContainer('nope'), undefined);
  t.is(table.dropContainer('b'), 'shop');
  t.is(table.pick('shop'), undefined, 'no target left: nothing is sent anywhere');
});
