import test from 'ava';
import { DetectCache, detectKey } from '../../../src/build/detect-cache.js';

const root = [
  { path: 'package.json', mode: '100644', oid: 'a1' },
  { path: 'server.js', mode: '100644', oid: 'b1' },
  { path: 'lib', mode: '040000', oid: 'c1' },
];
const order = ['null', 'node', 'python', 'go', 'static'];

test('a code-only change detects as before; a change to what the scripts read, or to the names at the root, does not', (t) => {
  const key = detectKey(order, root);
  t.is(detectKey(order, [root[1]!, root[2]!, root[0]!]), key, 'order of entries does not matter');
  t.is(detectKey(order, [root[0]!, { ...root[1]!, oid: 'b2' }, { ...root[2]!, oid: 'c2' }]), key, 'server.js and lib/ changed');
  t.not(detectKey(order, [{ ...root[0]!, oid: 'a2' }, root[1]!, root[2]!]), key, 'package.json changed (the start script decides web)');
  t.not(detectKey(order, [...root, { path: 'requirements.txt', mode: '100644', oid: 'd1' }]), key, 'a new manifest at the root');
  t.not(detectKey(order, root.slice(0, 2)), key, 'a directory removed');
  t.not(detectKey(order, [root[0]!, { ...root[1]!, mode: '100755' }, root[2]!]), key, 'a mode changed');
  t.not(detectKey(order, [...root.slice(0, 2), { path: 'lib', mode: '120000', oid: 'x' }]), key, 'a symlink in place of a directory');
  t.not(detectKey(['node'], root), key, '.buildpacks chose one');
});

test('the cache runs detection once per key and forgets nothing it was not asked to', async (t) => {
  const cache = new DetectCache();
  let runs = 0;
  const detect = async () => (runs++, { buildpack: 'node', name: 'Node.js', defaultProcessTypes: { web: 'npm start' } });
  t.deepEqual(await cache.get('k', detect), await cache.get('k', detect));
  t.is(runs, 1);
  await cache.get('other', detect);
  t.is(runs, 2);
  await t.throwsAsync(
    cache.get('failing', async () => Promise.reject(new Error('no buildpack applies'))),
    { message: 'no buildpack applies' },
  );
  await cache.get('k', detect);
  t.is(runs, 2, 'a failed detection is not remembered, the good ones stay');
});
