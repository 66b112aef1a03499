import test from 'ava';
import { unfinishedReplacements } from '../../../src/release/restore-routes.js';
import type { Replica } from '../../../src/ports/scheduler.js';

const replica = (process: string, index: number, replacing = false): Replica => ({
  id: `${process}.${index}${replacing ? '-next' : ''}`,
  name: `paas.app.${process}.v3.${index}${replacing ? '-next' : ''}`,
  app: 'app',
  process,
  index,
  release: 3,
  ip: '10.0.0.2',
  port: 5000,
  state: 'running',
  ...(replacing ? { replacing: true } : {}),
});

test("a rolling restart's replacement found beside the replica it replaces goes; alone, it is the replica now", (t) => {
  const web1 = replica('web', 1);
  const web1next = replica('web', 1, true);
  const web2next = replica('web', 2, true);
  const worker1 = replica('worker', 1);
  t.deepEqual(unfinishedReplacements([web1, web1next, web2next, worker1]), [web1next]);
  t.deepEqual(unfinishedReplacements([web1, worker1]), []);
});
