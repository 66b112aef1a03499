// Reading single files of a commit in-process, including a push still in pre-receive's quarantine.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readFileAtCommit } from '../../../src/git/read-commit.js';

function git(cwd: string, ...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

test('files of a commit whose objects are split between the repo and a quarantine are read', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-git-'));
  const work = path.join(root, 'work');
  fs.mkdirSync(work);
  git(work, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(work, 'Dockerfile'), 'FROM debian:bookworm-slim\n');
  fs.writeFileSync(path.join(work, 'Procfile'), 'web: v1\n');
  git(work, 'add', '-A');
  git(work, 'commit', '-qm', 'one');
  const bare = path.join(root, 'app.git');
  git(root, 'clone', '-q', '--bare', work, bare);

  // The second commit's new objects exist only in the quarantine, as during pre-receive.
  fs.writeFileSync(path.join(work, 'Procfile'), 'web: v2\n');
  git(work, 'commit', '-qam', 'two');
  const sha = git(work, 'rev-parse', 'HEAD');
  const quarantine = path.join(bare, 'objects', 'tmp_objdir-incoming-test');
  fs.mkdirSync(path.join(quarantine, 'pack'), { recursive: true });
  const objects = git(work, 'rev-list', '--objects', 'HEAD~1..HEAD');
  spawnSync('git', ['pack-objects', '-q', path.join(quarantine, 'pack', 'pack')], { cwd: work, input: objects + '\n' });

  const env = { GIT_OBJECT_DIRECTORY: quarantine, GIT_ALTERNATE_OBJECT_DIRECTORIES: path.join(bare, 'objects') };
  const cache = {};
  t.is((await readFileAtCommit(bare, sha, 'Procfile', env, cache))?.toString(), 'web: v2\n', 'a blob from the quarantine');
  t.is((await readFileAtCommit(bare, sha, 'Dockerfile', env, cache))?.toString(), 'FROM debian:bookworm-slim\n', 'a blob from the repo');
  t.is(await readFileAtCommit(bare, sha, 'app.json', env, cache), undefined, 'a file the commit does not have');
  await t.throwsAsync(
    readFileAtCommit(bare, sha, 'Procfile'),
    { message: /cannot read Procfile of [0-9a-f]{7}: .*Could not find/ },
    'without the quarantine the commit is unknown',
  );
  fs.rmSync(root, { recursive: true, force: true });
});
