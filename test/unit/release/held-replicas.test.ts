import test from 'ava';
import { HeldReplicas, startHoldSweep } from '../../../src/release/held-replicas.js';
import { fakePorts } from './_fake-ports.js';

test('held replicas expire when their window ends', (t) => {
  const held = new HeldReplicas();
  held.add('shop', 'a', 1_000);
  held.add('shop', 'b', 5_000);
  t.deepEqual(held.expired(10_000, 12_000), [{ app: 'shop', id: 'a' }]);
  t.deepEqual(
    held.expired(10_000, 20_000).map((h) => h.id),
    ['a', 'b'],
  );
  held.forget('a');
  t.deepEqual(
    held.expired(10_000, 20_000).map((h) => h.id),
    ['b'],
  );
});

test('the sweep removes a held replica once its window ends, and one held without a record, and leaves the rest', async (t) => {
  const ports = fakePorts(30000 + Math.floor(Math.random() * 20000));
  t.teardown(() => ports.scheduler.close());
  const spec = { app: 'shop', process: 'web', version: 1, command: null };
  const old = await ports.scheduler.place({ ...spec, index: 1 });
  const stray = await ports.scheduler.place({ ...spec, index: 2 });
  const serving = await ports.scheduler.place({ ...spec, version: 2, index: 1 });
  const held = new HeldReplicas();
  held.add('shop', old.id, Date.now() - 60_000);
  await ports.scheduler.hold(old);
  await ports.scheduler.hold(stray);
  const sweep = startHoldSweep(ports.scheduler, held, 30_000, 20, async () => new Set(['shop']));
  t.teardown(() => sweep.stop());
  for (let i = 0; i < 100 && (await ports.scheduler.replicas('shop')).length > 1; i++) await new Promise((r) => setTimeout(r, 20));
  t.deepEqual(
    (await ports.scheduler.replicas('shop')).map((r) => r.id),
    [serving.id],
    'the running replica stays',
  );
  t.deepEqual(held.expired(0), [], 'no record is left');
});

test('a replica put on record while the sweep lists, and held just after, is not taken for one without a record', async (t) => {
  const ports = fakePorts(30000 + Math.floor(Math.random() * 20000));
  t.teardown(() => ports.scheduler.close());
  const spec = { app: 'shop', process: 'web', version: 1, command: null };
  const replaced = await ports.scheduler.place({ ...spec, index: 1 });
  const held = new HeldReplicas();
  let listings = 0;
  // A listing that takes a while: the swap records and holds the replica while it runs (as under load).
  const slow = Object.create(ports.scheduler) as typeof ports.scheduler;
  slow.replicas = async (app?: string) => {
    const seen = await ports.scheduler.replicas(app);
    if (listings++ === 0) {
      held.add('shop', replaced.id);
      await ports.scheduler.hold(replaced);
    }
    return seen;
  };
  const sweep = startHoldSweep(slow, held, 30_000, 20, async () => new Set(['shop']));
  t.teardown(() => sweep.stop());
  while (listings < 5) await new Promise((r) => setTimeout(r, 20));
  t.deepEqual(
    (await ports.scheduler.replicas('shop')).map((r) => [r.id, r.state]),
    [[replaced.id, 'held']],
    'the held replica stays for its rollback window',
  );
});

test("another daemon's held replicas on the same engine are never this sweep's to remove", async (t) => {
  const ports = fakePorts(30000 + Math.floor(Math.random() * 20000));
  t.teardown(() => ports.scheduler.close());
  const theirs = await ports.scheduler.place({ app: 'elsewhere', process: 'web', version: 1, command: null, index: 1 });
  await ports.scheduler.hold(theirs);
  let sweeps = 0;
  const sweep = startHoldSweep(ports.scheduler, new HeldReplicas(), 30_000, 20, async () => (sweeps++, new Set(['shop'])));
  t.teardown(() => sweep.stop());
  while (sweeps < 5) await new Promise((r) => setTimeout(r, 20));
  t.deepEqual(
    (await ports.scheduler.replicas('elsewhere')).map((r) => r.state),
    ['held'],
    'held by the daemon whose app it is, it stays',
  );
});
