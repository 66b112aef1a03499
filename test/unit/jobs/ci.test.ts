import test from 'ava';
import { checkRefName } from '../../../src/jobs/ci.js';

test('refs named by users are branches, tags or commit ids, never options or paths', (t) => {
  for (const ok of ['main', 'feature/login', 'v1.2.3', 'abc1234', 'refs/heads/main']) t.is(checkRefName(ok), ok);
  for (const bad of ['-x', '--upload-pack=evil', '../etc', 'a..b', 'a b', 'x;rm', 'main.lock', '']) {
    t.throws(() => checkRefName(bad), { message: /not a branch, tag or commit/ }, bad);
  }
});
