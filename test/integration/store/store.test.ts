// The store on SQLite: migrations, and the rows the spine writes.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../../src/store/db.js';
import { insertApp, listApps, deleteApp } from '../../../src/store/apps.js';
import { insertBuild, finishBuild, listBuilds, getBuildLog } from '../../../src/store/builds.js';
import { activeRelease, nextReleaseVersion, recordActiveRelease, listReleases, emptySpec } from '../../../src/store/releases.js';
import { addKey } from '../../../src/keys.js';
import ssh2 from 'ssh2';

test('apps, builds and releases are recorded and read back; reopening keeps them', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-db-'));
  let db = await openDb({ dataDir });
  await insertApp(db, 'shop');
  await t.throwsAsync(insertApp(db, 'shop'), { message: /already exists/ });
  const id = await insertBuild(db, { app: 'shop', ref: 'refs/heads/main', sha: 'a'.repeat(40) });
  await finishBuild(db, id, { status: 'succeeded', log: '-----> Built', releaseVersion: 1 });
  t.is(await nextReleaseVersion(db, 'shop'), 1);
  await recordActiveRelease(db, { app: 'shop', version: 1, imageId: 'sha256:1', sha: 'a'.repeat(40), description: 'Deploy aaaaaaa', spec: emptySpec(), layers: [] });
  await recordActiveRelease(db, { app: 'shop', version: 2, imageId: 'sha256:2', sha: 'b'.repeat(40), description: 'Deploy bbbbbbb', spec: { ...emptySpec(), config: { A: 'x y' } }, layers: [{ digest: 'sha256:l1', size: 10 }] });
  await db.destroy();

  db = await openDb({ dataDir });
  t.deepEqual((await listApps(db)).map((a) => a.name), ['shop']);
  t.like((await listBuilds(db, 'shop'))[0], { id, status: 'succeeded', releaseVersion: 1 });
  t.is(await getBuildLog(db, 'shop', id), '-----> Built');
  await t.throwsAsync(getBuildLog(db, 'shop', 999), { message: /has no build 999/ });
  const active = await activeRelease(db, 'shop');
  t.is(active?.version, 2);
  t.deepEqual(active?.spec.config, { A: 'x y' }, 'the config snapshot is kept');
  t.deepEqual(active?.layers, [{ digest: 'sha256:l1', size: 10 }]);
  t.deepEqual((await listReleases(db, 'shop')).map((r) => `${r.version}:${r.status}`), ['2:active', '1:superseded']);
  t.is(await nextReleaseVersion(db, 'shop'), 3);
  await deleteApp(db, 'shop');
  t.deepEqual(await listBuilds(db, 'shop'), []);
  await db.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a key is stored once, by name and by fingerprint', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-db-'));
  const db = await openDb({ dataDir });
  const pub = ssh2.utils.generateKeyPairSync('ed25519').public;
  await addKey(db, 'alice', pub);
  await t.throwsAsync(addKey(db, 'bob', pub), { message: /already registered as "alice"/ });
  await t.throwsAsync(addKey(db, 'alice', ssh2.utils.generateKeyPairSync('ed25519').public), { message: /already exists/ });
  await t.throwsAsync(addKey(db, 'bad name;', pub), { message: /invalid key name/ });
  await db.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
