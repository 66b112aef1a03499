// The store on SQLite: migrations, and the rows the spine writes.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../../src/store/db.js';
import { storeScenario } from './_store-scenario.js';
import { addKey } from '../../../src/keys.js';
import { newKeyPair } from '../../_ssh-keys.js';

test('apps, builds and releases are recorded and read back on SQLite; reopening keeps them', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-db-'));
  await storeScenario(t, () => openDb({ dataDir }));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a key is stored once, by name and by fingerprint', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-db-'));
  const db = await openDb({ dataDir });
  const pub = newKeyPair().public;
  await addKey(db, 'alice', pub);
  await t.throwsAsync(addKey(db, 'bob', pub), { message: /already registered as "alice"/ });
  await t.throwsAsync(addKey(db, 'alice', newKeyPair().public), { message: /already exists/ });
  await t.throwsAsync(addKey(db, 'bad name;', pub), { message: /invalid key name/ });
  await db.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
