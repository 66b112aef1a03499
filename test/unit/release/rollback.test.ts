import test from 'ava';
import { previousGoodRelease, rollbackConfig, rollbackSpec } from '../../../src/release/rollback.js';
import { buildsOn, releasesToKeep } from '../../../src/release/collect-images.js';
import { releaseViews } from '../../../src/release/release-view.js';
import { emptySpec, type ReleaseRow, type ReleaseStatus } from '../../../src/store/releases.js';
import { parseVersionArg } from '../../../src/input/version-arg.js';

const release = (version: number, status: ReleaseStatus, imageId = `sha256:${version}`, layers = [{ digest: 'base', size: 100 }]): ReleaseRow => ({
  app: 'shop',
  version,
  imageId,
  sha: 'a'.repeat(40),
  status,
  description: '',
  spec: emptySpec(),
  layers,
  error: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  actor: null,
});

test('the default rollback target is the newest earlier release that ran, whatever kind it was', (t) => {
  const releases = [release(1, 'superseded'), release(2, 'superseded'), release(3, 'failed'), release(4, 'active')];
  t.is(previousGoodRelease(releases, releases[3]!)?.version, 2);
  const afterRollback = [release(1, 'superseded'), release(2, 'rolled back'), release(3, 'active', 'sha256:1')];
  t.is(previousGoodRelease(afterRollback, afterRollback[2]!)?.version, 2);
  t.is(previousGoodRelease([release(1, 'active')], release(1, 'active')), undefined);
  // v2 was a config change of v1's image: Heroku rolls back to it all the same.
  const afterConfig = [release(1, 'superseded', 'sha256:x'), release(2, 'active', 'sha256:x')];
  t.is(previousGoodRelease(afterConfig, afterConfig[1]!)?.version, 1);
});

test('a rollback keeps the current scale for the process types the old release has', (t) => {
  const old = { ...release(1, 'superseded'), spec: { ...emptySpec(), formation: { web: 1, worker: 1 } } };
  const now = { ...release(2, 'active'), spec: { ...emptySpec(), formation: { web: 3, clock: 1 } } };
  t.deepEqual(rollbackSpec(old, now).formation, { web: 3, worker: 1 });
});

test('images of the last K releases that ran, and of the active one, are kept', (t) => {
  const releases = [1, 2, 3, 4, 5].map((v) => release(v, v === 5 ? 'active' : 'superseded'));
  releases.push(release(6, 'failed'));
  t.deepEqual([...releasesToKeep(releases, 3)].sort(), [3, 4, 5]);
  t.deepEqual([...releasesToKeep([release(1, 'active'), release(2, 'superseded')], 1)].sort(), [1, 2]);
});

test('a dependency image is in use while a kept image starts with its layers, whichever builder made it', (t) => {
  t.true(buildsOn(['a', 'b', 'c'], ['a', 'b']));
  t.false(buildsOn(['a', 'b'], ['a', 'b']), 'the image itself is not built on itself');
  t.false(buildsOn(['a', 'x', 'c'], ['a', 'b']), 'the same first layer of the stack is not enough');
  t.false(buildsOn(['a', 'b'], []));
});

test('each release shows the layers it shares with the one before and the bytes it adds', (t) => {
  const views = releaseViews([
    release(1, 'superseded', 'a', [
      { digest: 'base', size: 100 },
      { digest: 'app1', size: 5 },
    ]),
    release(2, 'active', 'b', [
      { digest: 'base', size: 100 },
      { digest: 'app2', size: 7 },
    ]),
  ]);
  t.like(views[0], { version: 2, layers: 2, sharedLayers: 1, newBytes: 7 });
  t.like(views[1], { version: 1, layers: 2, sharedLayers: 0, newBytes: 105 });
});

test('versions are given as v3 or 3', (t) => {
  t.is(parseVersionArg('v3'), 3);
  t.is(parseVersionArg('12'), 12);
  t.is(parseVersionArg(undefined), undefined);
  for (const bad of ['v0', 'three', 'v3; rm -rf /', '-1']) t.throws(() => parseVersionArg(bad), { message: /not a release version/ });
});

test("a rollback brings back the config the user set, never the platform's attachments", (t) => {
  const before = { GREETING: 'old' };
  const now = { GREETING: 'new', DATABASE_URL: 'postgres://db/now', REDIS_URL: 'redis://cache' };
  t.deepEqual(rollbackConfig(before, now, ['DATABASE_URL']), { GREETING: 'old', DATABASE_URL: 'postgres://db/now' }, 'linked after v1: kept');
  t.deepEqual(
    rollbackConfig({ ...before, DATABASE_URL: 'postgres://db/was' }, now, ['DATABASE_URL']).DATABASE_URL,
    'postgres://db/now',
    'relinked: its URL now',
  );
  t.deepEqual(rollbackConfig(before, now, []), before, 'nothing linked: the old config, REDIS_URL set by hand goes');
});
