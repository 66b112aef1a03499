import test from 'ava';
import { runsAsWanted } from '../../../src/swarm/node-service.js';

test("the daemon's services on the workers are updated when what they run changed, and only then", (t) => {
  const wanted = { Image: '172.17.0.1:5000/paas/node-guard:2', Command: ['/bin/sh', '-c', 'script'], Env: ['A=1'] };
  t.true(runsAsWanted({ ...wanted, Image: `${wanted.Image}@sha256:${'a'.repeat(64)}` }, wanted));
  t.false(runsAsWanted({ ...wanted, Image: '172.17.0.1:5000/paas/node-guard:1@sha256:aa' }, wanted));
  t.false(runsAsWanted({ ...wanted, Command: ['/bin/sh', '-c', 'an older script'] }, wanted));
  t.false(runsAsWanted({ ...wanted, Env: ['A=2'] }, wanted));
  t.false(runsAsWanted(undefined, wanted));
});
