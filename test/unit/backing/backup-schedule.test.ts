import test from 'ava';
import { backupDue, backupsBeyond, checkKeep, parseEvery } from '../../../src/backing/backup-schedule.js';

const backup = (name: string, createdAt: string) => ({ name, bytes: 1, createdAt });

test('intervals as users write them, from a minute to 30 days', (t) => {
  t.is(parseEvery('30m'), 1800);
  t.is(parseEvery('6h'), 21600);
  t.is(parseEvery('1d'), 86400);
  for (const bad of ['0m', '10s', '31d', 'daily', '1 d', '-1h']) t.throws(() => parseEvery(bad), { message: /use minutes, hours or days from 1m to 30d/ });
  t.is(checkKeep(undefined), 7);
  t.throws(() => checkKeep(0), { message: /--keep takes a number of backups from 1 to 1000/ });
});

test('a backup is due when there is none, or the newest is as old as the interval', (t) => {
  const schedule = { everySeconds: 3600, keep: 2 };
  const now = new Date('2026-12-02T12:00:00.000Z');
  t.true(backupDue(schedule, undefined, now));
  t.false(backupDue(schedule, backup('a', '2026-12-02T11:30:00.000Z'), now));
  t.true(backupDue(schedule, backup('a', '2026-12-02T11:00:00.000Z'), now));
});

test('only the newest backups are kept; the oldest go first', (t) => {
  const all = [backup('a', '1'), backup('b', '2'), backup('c', '3')];
  t.deepEqual(
    backupsBeyond(all, 2).map((b) => b.name),
    ['a'],
  );
  t.deepEqual(backupsBeyond(all, 5), []);
});
