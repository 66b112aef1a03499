import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureRepo, repoPath } from '../../../src/git/repos.js';

const installDir = path.resolve(import.meta.dirname, '../../../..');

test('many first pushes of a new app at once make one bare repo, with the hook, and none of them fails', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-repos-'));
  try {
    const made = await Promise.allSettled(Array.from({ length: 12 }, () => ensureRepo(dataDir, installDir, 'shop')));
    t.deepEqual(
      made.filter((m) => m.status === 'rejected').map((m) => String((m as PromiseRejectedResult).reason)),
      [],
    );
    const repo = repoPath(dataDir, 'shop');
    const bare = spawnSync('git', ['--git-dir', repo, 'rev-parse', '--is-bare-repository'], { encoding: 'utf8' });
    t.is(bare.stdout.trim(), 'true');
    t.true(fs.statSync(path.join(repo, 'hooks', 'pre-receive')).isFile());
    t.deepEqual(fs.readdirSync(path.join(dataDir, 'repos')), ['shop.git'], 'nothing half-made is left beside it');
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
