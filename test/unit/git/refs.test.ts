import test from 'ava';
import { decideRefAction, parseRefUpdates } from '../../../src/git/refs.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

test('parses the lines pre-receive gets on stdin', (t) => {
  t.deepEqual(parseRefUpdates(`${A} ${B} refs/heads/main\n${ZERO} ${A} refs/heads/feature/x\n`), [
    { oldSha: A, newSha: B, ref: 'refs/heads/main' },
    { oldSha: ZERO, newSha: A, ref: 'refs/heads/feature/x' },
  ]);
});

test('refuses malformed ref updates', (t) => {
  for (const line of [`${A} nothex refs/heads/main`, `${A} ${B} main`, `${A} ${B} refs/heads/a b`, `${A} ${B} refs/heads/../../x`]) {
    t.throws(() => parseRefUpdates(line), undefined, line);
  }
});

test('main or master deploys by default; other branches get a CI run; tags are only accepted', (t) => {
  const update = (ref: string, newSha = B) => ({ oldSha: A, newSha, ref });
  t.is(decideRefAction(update('refs/heads/main'), null), 'deploy');
  t.is(decideRefAction(update('refs/heads/master'), null), 'deploy');
  t.is(decideRefAction(update('refs/heads/feature'), null), 'test');
  t.is(decideRefAction(update('refs/tags/v1'), null), 'accept');
  t.is(decideRefAction(update('refs/heads/main', ZERO), null), 'delete');
});

test('an app with a deploy branch set deploys only that branch', (t) => {
  t.is(decideRefAction({ oldSha: A, newSha: B, ref: 'refs/heads/production' }, 'production'), 'deploy');
  t.is(decideRefAction({ oldSha: A, newSha: B, ref: 'refs/heads/main' }, 'production'), 'test');
});
