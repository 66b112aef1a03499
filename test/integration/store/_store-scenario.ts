// The store scenario both back-ends must pass: apps, builds, releases with their JSON, reopened.
import type { ExecutionContext } from 'ava';
import type { Db } from '../../../src/store/db.js';
import { insertApp, listApps, deleteApp } from '../../../src/store/apps.js';
import { insertBuild, finishBuild, listBuilds, getBuildLog } from '../../../src/store/builds.js';
import { activeRelease, nextReleaseVersion, recordActiveRelease, listReleases, emptySpec } from '../../../src/store/releases.js';

/** Writes with one connection, reads back with a fresh one from `reopen`. */
export async function storeScenario(t: ExecutionContext, open: () => Promise<Db>): Promise<void> {
  let db = await open();
  await insertApp(db, 'shop');
  await t.throwsAsync(insertApp(db, 'shop'), { message: /already exists/ });
  await insertApp(db, 'other');
  await insertBuild(db, { app: 'other', ref: 'refs/heads/main', sha: 'c'.repeat(40) });
  const { id, number } = await insertBuild(db, { app: 'shop', ref: 'refs/heads/main', sha: 'a'.repeat(40) });
  t.is(number, 1, "builds are numbered per app: shop's first is 1, whatever other apps built");
  t.is((await insertBuild(db, { app: 'other', ref: 'refs/heads/main', sha: 'd'.repeat(40) })).number, 2);
  await finishBuild(db, id, { status: 'succeeded', log: '-----> Built', releaseVersion: 1 });
  t.is(await nextReleaseVersion(db, 'shop'), 1);
  await recordActiveRelease(db, {
    app: 'shop',
    version: 1,
    imageId: 'sha256:1',
    sha: 'a'.repeat(40),
    description: 'Deploy aaaaaaa',
    spec: emptySpec(),
    layers: [],
  });
  await recordActiveRelease(db, {
    app: 'shop',
    version: 2,
    imageId: 'sha256:2',
    sha: 'b'.repeat(40),
    description: 'Deploy bbbbbbb',
    spec: { ...emptySpec(), config: { A: 'x y' } },
    layers: [{ digest: 'sha256:l1', size: 10 }],
  });
  await db.destroy();

  db = await open();
  t.deepEqual(
    (await listApps(db)).map((a) => a.name),
    ['other', 'shop'],
  );
  t.like((await listBuilds(db, 'shop'))[0], { id, number: 1, status: 'succeeded', releaseVersion: 1 });
  t.is(await getBuildLog(db, 'shop', 1), '-----> Built');
  await t.throwsAsync(getBuildLog(db, 'shop', 999), { message: /has no build 999/ });
  const active = await activeRelease(db, 'shop');
  t.is(active?.version, 2);
  t.deepEqual(active?.spec.config, { A: 'x y' }, 'the config snapshot is kept');
  t.deepEqual(active?.layers, [{ digest: 'sha256:l1', size: 10 }]);
  t.deepEqual(
    (await listReleases(db, 'shop')).map((r) => `${r.version}:${r.status}`),
    ['2:active', '1:superseded'],
  );
  t.is(await nextReleaseVersion(db, 'shop'), 3);
  await deleteApp(db, 'shop');
  t.deepEqual(await listBuilds(db, 'shop'), []);
  await db.destroy();
}
