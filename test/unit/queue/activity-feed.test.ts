import test from 'ava';
import { ActivityFeed, type ActivityEvent } from '../../../src/queue/activity-feed.js';

test('a page opened mid-job sees the lines so far, then each new line and the end, of its apps only', (t) => {
  const feed = new ActivityFeed();
  feed.started({ id: 'j1', app: 'a', kind: 'deploy', buildId: 7 });
  feed.started({ id: 'j2', app: 'b', kind: 'ci', ciRunId: 3 });
  feed.line('j1', '-----> Building a');
  feed.line('j2', 'b line');

  const snapshot = feed.snapshot((app) => app === 'a');
  t.is(snapshot.length, 1);
  t.is(snapshot[0]!.job.buildId, 7);
  t.deepEqual(snapshot[0]!.lines, ['-----> Building a']);

  const seen: ActivityEvent[] = [];
  const abort = new AbortController();
  feed.follow(
    (app) => app === 'a',
    (e) => seen.push(e),
    abort.signal,
  );
  feed.line('j1', 'step 2');
  feed.line('j2', 'not for a');
  feed.ended('j1', true);
  t.deepEqual(seen, [
    { type: 'line', app: 'a', id: 'j1', line: 'step 2' },
    { type: 'ended', app: 'a', id: 'j1', ok: true },
  ]);
  t.deepEqual(
    feed.snapshot(() => true).map((r) => r.job.id),
    ['j2'],
    'an ended job is dropped',
  );

  abort.abort();
  feed.started({ id: 'j3', app: 'a', kind: 'rollback' });
  t.is(seen.length, 2, 'no events after the follower went away');
});

test('a long job keeps only its newest 2,000 lines', (t) => {
  const feed = new ActivityFeed();
  feed.started({ id: 'j', app: 'a', kind: 'deploy' });
  for (let i = 0; i < 2500; i++) feed.line('j', `line ${i}`);
  const [running] = feed.snapshot(() => true);
  t.is(running!.lines.length, 2000);
  t.is(running!.lines[0], 'line 500');
});
