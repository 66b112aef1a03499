import test from 'ava';
import { applyNodeLabels, parseConstraint, parsePlacement } from '../../../src/input/placement.js';

test("placement constraints are Swarm's own, on labels, hostname, role, id and platform", (t) => {
  t.is(parseConstraint('node.labels.zone==b'), 'node.labels.zone==b');
  t.is(parseConstraint('node.labels.disk.type != hdd'), 'node.labels.disk.type!=hdd');
  t.is(parseConstraint('node.role==worker'), 'node.role==worker');
  t.is(parseConstraint('node.hostname==paas-node-2'), 'node.hostname==paas-node-2');
  t.deepEqual(parsePlacement(['node.labels.zone==b', 'node.labels.zone == b', 'node.platform.arch==x86_64']), [
    'node.labels.zone==b',
    'node.platform.arch==x86_64',
  ]);
  t.deepEqual(parsePlacement([]), []);
});

test('anything else is refused in one line that shows the forms', (t) => {
  for (const bad of ['zone==b', 'node.labels.zone=b', 'node.role==boss', 'node.labels.zone==b; rm -rf /', 'engine.labels.x==y', 'node.labels.==b']) {
    t.throws(
      () => parseConstraint(bad),
      { message: /^invalid placement ".*": use node\.labels\.KEY==VALUE, node\.hostname==NAME or node\.role==manager\|worker \(or != for each\)$/ },
      bad,
    );
  }
  t.throws(() => parsePlacement('node.role==worker'), { message: /give a list of constraints/ });
  t.throws(() => parsePlacement(Array.from({ length: 11 }, (_, i) => `node.labels.k${i}==v`)), { message: 'placement: at most 10 constraints' });
});

test('node labels: KEY=VALUE sets, KEY= removes, anything a constraint could not name is refused', (t) => {
  t.deepEqual(applyNodeLabels({ zone: 'a', disk: 'ssd' }, ['zone=b', 'disk=', 'gpu=nvidia-a100']), { zone: 'b', gpu: 'nvidia-a100' });
  for (const bad of ['zone', '=b', 'zone=b c', 'zo ne=b']) t.throws(() => applyNodeLabels({}, [bad]), { message: /^invalid node label / }, bad);
  t.throws(() => applyNodeLabels({}, []), { message: /give KEY=VALUE/ });
});
