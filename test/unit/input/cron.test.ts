import test from 'ava';
import { cronId, nextRun, parseCronEntries } from '../../../src/input/cron.js';

test('app.json cron is read as Dokku reads it: command, schedule and concurrency_policy, with ids stable across deploys', (t) => {
  const entries = parseCronEntries({
    cron: [
      { command: 'rake cleanup', schedule: '0  3 * * *' },
      { command: 'sh bin/report', schedule: '*/5 * * * *', concurrency_policy: 'forbid' },
    ],
  });
  t.deepEqual(entries, [
    { id: cronId('0 3 * * *', 'rake cleanup'), command: 'rake cleanup', schedule: '0 3 * * *', concurrency: 'allow' },
    { id: cronId('*/5 * * * *', 'sh bin/report'), command: 'sh bin/report', schedule: '*/5 * * * *', concurrency: 'forbid' },
  ]);
  t.regex(entries[0]!.id, /^[0-9a-f]{10}$/);
  t.deepEqual(parseCronEntries({}), []);
  t.is(nextRun('0 3 * * *', new Date('2026-12-07T10:00:00Z')).toISOString(), '2026-12-08T03:00:00.000Z', 'schedules are UTC');
  t.is(nextRun('*/10 * * * * *', new Date('2026-12-07T10:00:01Z')).toISOString(), '2026-12-07T10:00:10.000Z', 'six fields: seconds first');
});

test('a cron list that cannot be scheduled is refused with what to change', (t) => {
  t.throws(() => parseCronEntries({ cron: {} }), { message: /app.json cron must be a list/ });
  t.throws(() => parseCronEntries({ cron: [{ schedule: '* * * * *' }] }), { message: 'app.json cron[0] needs a "command" (a string)' });
  t.throws(() => parseCronEntries({ cron: [{ command: 'x', schedule: 'every day' }] }), { message: /use five fields \(minute hour day month weekday\)/ });
  t.throws(() => parseCronEntries({ cron: [{ command: 'x', schedule: '61 * * * *' }] }), { message: /"61 \* \* \* \*": Constraint error/ });
  t.throws(() => parseCronEntries({ cron: [{ command: 'x', schedule: '* * * * *', concurrency_policy: 'queue' }] }), {
    message: 'app.json cron[0] concurrency_policy must be allow, forbid or replace',
  });
});
