import test from 'ava';
import { checkPushPolicy } from '../../../src/git/push-policy.js';

const ref = (name: string) => ({ oldSha: '0'.repeat(40), newSha: 'a'.repeat(40), ref: name });

test("a collaborator's key pushes branches and tags only; an admin's anything", (t) => {
  t.notThrows(() => checkPushPolicy([ref('refs/heads/main'), ref('refs/tags/v1')], { admin: false }, 0, 100));
  for (const other of ['refs/notes/commits', 'refs/pull/1/head', 'refs/stash', 'refs/headsx/main'])
    t.throws(() => checkPushPolicy([ref('refs/heads/main'), ref(other)], { admin: false }, 0, 100), { message: new RegExp(`${other} is refused`) });
  t.notThrows(() => checkPushPolicy([ref('refs/notes/commits')], { admin: true }, 0, 100));
});

test("no push grows an app's repository past its limit, an admin's neither", (t) => {
  t.notThrows(() => checkPushPolicy([ref('refs/heads/main')], { admin: false }, 100, 100));
  const error = t.throws(() => checkPushPolicy([ref('refs/heads/main')], { admin: true }, 3 * 1024 ** 3, 2 * 1024 ** 3));
  t.is(
    error?.message,
    "this push would make the app's repository 3 GB, over its limit of 2 GB: push less history or large files elsewhere, or an admin raises PAAS_REPO_MAX_SIZE",
  );
});
