import test from 'ava';
import { applyFormation, parseFormation } from '../../../src/input/formation.js';
import { processViews } from '../../../src/release/process-view.js';

test('TYPE=N, TYPE+N and TYPE-N arguments, N from 0 to 100', (t) => {
  t.deepEqual(parseFormation(['web=3', 'worker=0']), { web: { to: 3 }, worker: { to: 0 } });
  t.deepEqual(parseFormation(['web+1', 'worker-2']), { web: { by: 1 }, worker: { by: -2 } });
  for (const bad of ['web', 'web=-1', 'web=101', 'Web=1', 'web=1;rm', 'web+', 'web*2'])
    t.throws(() => parseFormation([bad]), { message: /expected TYPE=N, TYPE\+N or TYPE-N/ }, bad);
  t.throws(() => parseFormation([]), { message: /at least one TYPE=N/ });
});

test('scaling keeps other types, counts a difference from the current count within 0 to 100, and refuses types the release does not have', (t) => {
  t.deepEqual(applyFormation({ web: 1, worker: 1 }, { web: null, worker: 'w' }, { web: { to: 3 } }), { web: 3, worker: 1 });
  t.deepEqual(applyFormation({ web: 2, worker: 1 }, { web: null, worker: 'w' }, { web: { by: 1 }, worker: { by: -5 } }), { web: 3, worker: 0 });
  t.deepEqual(applyFormation({ web: 100 }, { web: null }, { web: { by: 1 } }), { web: 100 });
  t.throws(() => applyFormation({ web: 1 }, { web: null }, { worker: { to: 1 } }), { message: 'no process type "worker" (this release has: web)' });
});

test('ps lists long-running containers by type and replica', (t) => {
  const container = (name: string, process: string, release = '4') =>
    ({
      Names: [`/${name}`],
      State: 'running',
      Status: 'Up 3 minutes',
      Labels: { 'paas.app': 'shop', 'paas.release': release, 'paas.process': process },
    }) as never;
  const views = processViews([
    container('paas-shop-web-v4-2', 'web'),
    container('paas-shop-worker-v4-1', 'worker'),
    container('paas-shop-web-v4-1', 'web'),
    container('x', 'release'),
  ]);
  t.deepEqual(
    views.map((v) => `${v.process}.${v.replica} ${v.release}`),
    ['web.1 v4', 'web.2 v4', 'worker.1 v4'],
  );
});

test('ps shows a running replica of a release that is not the active one as draining', (t) => {
  const container = (name: string, release: string, State = 'running') =>
    ({
      Names: [`/${name}`],
      State,
      Status: 'Up 3 minutes',
      Labels: { 'paas.app': 'shop', 'paas.release': release, 'paas.process': 'web', 'paas.replica': '1' },
    }) as never;
  const views = processViews([container('paas-shop-web-v4-1', '4'), container('paas-shop-web-v5-1', '5')], undefined, undefined, 5);
  t.deepEqual(
    views.map((v) => `${v.release} ${v.state}: ${v.status}`),
    ['v4 draining: draining, replaced by v5 (Up 3 minutes)', 'v5 running: Up 3 minutes'],
  );
});
