// A push while the job queue's Redis is unreachable fails clearly and leaves nothing half-written.
import test from 'ava';
import path from 'node:path';
import { fixtureRepo, freePort, removeApps, run, startDaemon, uniqueName, type Daemon } from './_daemon.js';

let daemon: Daemon;
const app = uniqueName('noredis');

test.before(async () => {
  daemon = await startDaemon({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
});

test.after.always(async () => {
  await daemon?.stop();
  await removeApps([app]);
});

test('the push is rejected with a one-line reason; no build, no release, no ref', async (t) => {
  const repo = await fixtureRepo('dockerfile-hello');
  const push = await daemon.push(repo, app);
  t.not(push.code, 0);
  t.regex(push.output, /remote: {2}! {5}cannot reach the job queue \(Redis at redis:\/\/127\.0\.0\.1:\d+\): .*nothing was deployed/);
  t.regex(push.output, /pre-receive hook declined/);
  const builds = JSON.parse((await daemon.paas(['builds', app, '--json'])).stdout);
  t.deepEqual(builds, []);
  const releases = JSON.parse((await daemon.paas(['releases', app, '--json'])).stdout);
  t.deepEqual(releases, []);
  const ref = await run('git', ['--git-dir', path.join(daemon.dataDir, 'repos', `${app}.git`), 'rev-parse', '--verify', '--quiet', 'refs/heads/main']);
  t.is(ref.stdout.trim(), '');
});
