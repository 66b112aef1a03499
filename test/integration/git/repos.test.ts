// The app's bare repository and its hook: concurrent first pushes run the hook while others ensure the repo.
import test from 'ava';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureRepo } from '../../../src/git/repos.js';

const exec = promisify(execFile);

test('the hook is never half written nor busy while another push runs it', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-repos-'));
  const install = path.join(root, 'install');
  fs.mkdirSync(path.join(install, 'hooks'), { recursive: true });
  // A hook big enough that writing it takes a while, as the real one is written on every push before.
  fs.writeFileSync(path.join(install, 'hooks', 'pre-receive'), `#!/bin/sh\n${'# padding\n'.repeat(20_000)}echo ran\n`);
  const data = path.join(root, 'data');
  const repo = await ensureRepo(data, install, 'app');
  const hook = path.join(repo, 'hooks', 'pre-receive');
  const inode = fs.statSync(hook).ino;
  const runs = Array.from({ length: 40 }, async () => (await exec(hook)).stdout.trim());
  const ensures = Array.from({ length: 40 }, () => ensureRepo(data, install, 'app'));
  const [outputs] = await Promise.all([Promise.all(runs), Promise.all(ensures)]);
  t.true(outputs.every((o) => o === 'ran'));
  t.is(fs.statSync(hook).ino, inode, 'an unchanged hook is not written again');
  // A changed hook (an upgrade) replaces the old one whole.
  fs.writeFileSync(path.join(install, 'hooks', 'pre-receive'), '#!/bin/sh\necho new\n');
  await ensureRepo(data, install, 'app');
  t.is((await exec(hook)).stdout.trim(), 'new');
  t.deepEqual(
    fs.readdirSync(path.join(repo, 'hooks')).filter((f) => f.endsWith('.tmp')),
    [],
  );
});
