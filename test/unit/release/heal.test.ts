import test from 'ava';
import type Docker from 'dockerode';
import { healPlan } from '../../../src/release/heal.js';
import { eventEffect } from '../../../src/release/watch-containers.js';
import { RouteTable } from '../../../src/router/route-table.js';
import { emptySpec } from '../../../src/store/releases.js';

const c = (id: string, labels: Record<string, string>, State = 'running') => ({ Id: id, Names: [`/${id}`], Labels: labels, State }) as unknown as Docker.ContainerInfo;
const replica = (process: string, index: number, release = 3) => ({ 'paas.app': 'shop', 'paas.release': String(release), 'paas.process': process, 'paas.replica': String(index) });

test('healing looks at the active release\'s formation only: what runs, what died, what is missing', (t) => {
  const release = { version: 3, spec: { ...emptySpec(), formation: { web: 2, worker: 1 } } };
  const plan = healPlan(release, [
    c('w1', replica('web', 1)),
    c('w2-dead', replica('web', 2), 'exited'),
    c('old', replica('web', 2, 2)),
    c('run', { ...replica('run', 1), 'paas.one-off': 'true' }),
    c('test', { 'paas.app': 'shop', 'paas.process': 'test' }, 'exited'),
  ]);
  t.deepEqual(
    plan.map((s) => `${s.process}.${s.index}:${s.running?.Id ?? '-'}:${s.dead.map((d) => d.Id).join(',')}`),
    ['web.1:w1:', 'web.2:-:w2-dead', 'worker.1:-:'],
  );
  const restarting = healPlan({ version: 3, spec: { ...emptySpec(), formation: { web: 1 } } }, [c('r', replica('web', 1), 'restarting')]);
  t.deepEqual(restarting, [], 'a replica Docker is restarting is left to Docker, never doubled');
});

test('a dying replica\'s event drops its target and heals its app; CI and one-off containers heal nothing', (t) => {
  const actor = (labels: Record<string, string>) => ({ ID: 'abc', Attributes: { name: 'x', ...labels } });
  t.deepEqual(eventEffect({ Action: 'die', Actor: actor(replica('web', 1)) }), { drop: 'abc', heal: 'shop' });
  t.deepEqual(eventEffect({ Action: 'health_status: unhealthy', Actor: actor(replica('web', 1)) }), { drop: 'abc', heal: 'shop' });
  t.deepEqual(eventEffect({ Action: 'start', Actor: actor(replica('web', 1)) }), { heal: 'shop' });
  t.deepEqual(eventEffect({ Action: 'die', Actor: actor({ 'paas.app': 'shop', 'paas.process': 'test' }) }), { drop: 'abc' });
  t.deepEqual(eventEffect({ Action: 'start', Actor: actor({ ...replica('run', 7), 'paas.one-off': 'true' }) }), {});
  t.deepEqual(eventEffect({ Action: 'exec_start: sh', Actor: actor(replica('web', 1)) }), {});
});

test('a dropped container leaves its app\'s targets; the others keep serving', (t) => {
  const table = new RouteTable();
  table.swap('shop', [
    { url: 'http://10.0.0.2:5000', container: 'a', release: 1, id: 'a' },
    { url: 'http://10.0.0.3:5000', container: 'b', release: 1, id: 'b' },
  ]);
  t.is(table.dropContainer('a'), 'shop');
  t.deepEqual(table.targets('shop').map((x) => x.id), ['b']);
  t.is(table.dropContainer('nope'), undefined);
  t.is(table.dropContainer('b'), 'shop');
  t.is(table.pick('shop'), undefined, 'no target left: nothing is sent anywhere');
});
