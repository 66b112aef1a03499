// One daemon per data directory: a second `paas server` started by mistake on a running daemon's data dir says
// who holds it and exits, touching nothing: the first keeps its Redis, its sockets and its apps.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, fixtureRepo, freePort, removeApps, run, startDaemon, uniqueName } from './_daemon.js';

test('a second daemon on the same data dir exits at once, and the first serves on', async (t) => {
  const app = uniqueName('od');
  const daemon = await startDaemon();
  try {
    const pushed = await daemon.push(await fixtureRepo('dockerfile-hello'), app);
    t.is(pushed.code, 0, pushed.output);
    const redisSocket = path.join(daemon.dataDir, 'redis', 'redis.sock');
    t.true(fs.existsSync(redisSocket));
    const second = await run('node', [
      CLI,
      '--data-dir',
      daemon.dataDir,
      'server',
      '--ssh-port',
      String(await freePort()),
      '--http-port',
      String(await freePort()),
    ]);
    t.not(second.code, 0);
    t.regex(second.stderr, new RegExp(`paas server pid \\d+ already runs on the data dir ${daemon.dataDir}: stop it first`));
    t.true(fs.existsSync(redisSocket), "the first daemon's Redis socket is still there");
    t.is(spawnSync('redis-cli', ['-s', redisSocket, 'ping'], { encoding: 'utf8' }).stdout.trim(), 'PONG');
    t.true(fs.existsSync(path.join(daemon.dataDir, 'paas.sock')));
    // The first daemon still deploys: a config change goes through its queue and swaps the containers.
    const set = await daemon.paas(['config:set', app, 'AFTER=1']);
    t.is(set.code, 0, set.output);
    t.is((await daemon.get(app)).status, 200);
    // Once it is gone (even killed), the data dir is free at once.
    daemon.kill();
    await new Promise((r) => setTimeout(r, 300));
    const again = await startDaemon({ reuse: daemon, registerKey: false });
    t.is((await again.get(app)).status, 200);
    await again.stop();
  } finally {
    await daemon.stop();
    await removeApps([app]);
  }
});

test('concurrent first pushes to a new app all go through: one creates it, the hook is never busy', async (t) => {
  const app = uniqueName('cf');
  const daemon = await startDaemon();
  try {
    const repo = await fixtureRepo('dockerfile-hello');
    const pushes = await Promise.all(Array.from({ length: 12 }, (_, i) => daemon.push(repo, app, `HEAD:refs/tags/t${i}`)));
    for (const [i, push] of pushes.entries()) t.is(push.code, 0, `push ${i}: ${push.output}`);
    t.false(pushes.some((p) => /Text file busy|already exists/.test(p.output)));
    const tags = await run('git', ['--git-dir', path.join(daemon.dataDir, 'repos', `${app}.git`), 'tag']);
    t.is(tags.stdout.trim().split('\n').length, 12);
  } finally {
    await daemon.stop();
    await removeApps([app]);
  }
});
