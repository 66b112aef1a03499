// Config vars end to end: each change is a release rolled out through the swap, values arrive exactly.
import test from 'ava';
import http from 'node:http';
import path from 'node:path';
import { containersOf, fixtureRepo, removeApps, startDaemon, uniqueName, type Daemon } from './_daemon.js';

let daemon: Daemon;
const app = uniqueName('cfg');

test.before(async () => {
  daemon = await startDaemon();
});

test.after.always(async () => {
  await daemon?.stop();
  await removeApps([app]);
});

const greeting = async () => (await daemon.get(app, '/cgi-bin/greeting')).body;

test.serial('config:set makes a release whose value the app gets exactly; config:unset removes it', async (t) => {
  const staged = await daemon.paas(['apps:create', app]);
  t.is(staged.code, 0);
  const early = await daemon.paas(['config:set', app, 'GREETING=staged before the first deploy']);
  t.is(early.code, 0, early.output);
  t.regex(early.stdout, /Config stored \(GREETING\); the first deploy will use it/);
  const push = await daemon.push(await fixtureRepo('config-app'), app);
  t.is(push.code, 0, push.output);
  t.is(await greeting(), 'staged before the first deploy');

  const value = 'hello "world" = it\'s\nsecond line  with  spaces';
  const set = await daemon.paas(['config:set', app, `GREETING=${value}`, 'OTHER=1']);
  t.is(set.code, 0, set.output);
  t.regex(set.stdout, /-----> Setting config \(GREETING, OTHER\) as release v2/);
  t.is(await greeting(), value, 'the value survives end to end');
  t.is((await daemon.paas(['config:get', app, 'GREETING'])).stdout, value + '\n');
  t.deepEqual(
    (await containersOf(app)).filter((c) => c.State !== 'paused').map((c) => c.Labels['paas.release']),
    ['2'],
    'v2 runs (v1 is held frozen for a rollback)',
  );

  const releases = JSON.parse((await daemon.paas(['releases', app, '--json'])).stdout) as { version: number; description: string }[];
  t.regex((await daemon.paas(['releases:diff', app, 'v1', 'v2'])).stdout, /-----> Config: set GREETING, OTHER\n/, 'names only, never values');
  t.is(releases[0]!.description, 'Set GREETING, OTHER config vars');

  const unset = await daemon.paas(['config:unset', app, 'GREETING']);
  t.is(unset.code, 0, unset.output);
  t.is(await greeting(), '');
  t.is((JSON.parse((await daemon.paas(['releases', app, '--json'])).stdout) as { description: string }[])[0]!.description, 'Remove GREETING config var');
  t.is((await daemon.paas(['releases', app, '-n', '1', '--json'])).stdout.match(/"version"/g)?.length, 1, 'releases -n 1 lists the newest only');
  t.deepEqual(JSON.parse((await daemon.paas(['config', app, '--json'])).stdout), { OTHER: '1' });

  const rollback = await daemon.paas(['rollback', app, 'v2']);
  t.is(rollback.code, 0, rollback.output);
  t.is(await greeting(), value, 'a rollback brings the config of its release back');
  t.is((await daemon.paas(['config:get', app, 'GREETING'])).stdout, value + '\n');
});

test.serial('bad config input is refused and changes nothing', async (t) => {
  const before = (await daemon.paas(['config', app, '--json'])).stdout;
  const badKey = await daemon.paas(['config:set', app, '1BAD=x']);
  t.not(badKey.code, 0);
  t.regex(badKey.stderr, /invalid config var name "1BAD"/);
  const noEq = await daemon.paas(['config:set', app, 'JUSTANAME']);
  t.regex(noEq.stderr, /expected KEY=VALUE/);
  const big = await daemon.paas(['config:set', app, `BIG=${'x'.repeat(64 * 1024)}`]);
  t.regex(big.stderr, /config var BIG is over 32 KB/);
  // A 1 MB value cannot even be a command-line argument; through the API it is refused before anything happens.
  const huge = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      { socketPath: path.join(daemon.dataDir, 'paas.sock'), method: 'POST', path: `/apps/${app}/config`, headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ set: { HUGE: 'x'.repeat(1024 * 1024) } }));
  });
  t.is(huge.status, 400);
  t.regex(huge.body, /over 1 MB|over 32 KB/);
  t.is((await daemon.paas(['config', app, '--json'])).stdout, before);
  const releases = JSON.parse((await daemon.paas(['releases', app, '--json'])).stdout) as unknown[];
  t.is(releases.length, 4, 'no release was made');
});

test.serial('ps:scale web=3 spreads requests across 3 containers through the router; ps lists them', async (t) => {
  const bad = await daemon.paas(['ps:scale', app, 'worker=1']);
  t.not(bad.code, 0);
  t.regex(bad.stdout + bad.stderr, /no process type "worker" \(this release has: web\)/);
  const releaseCount = async () => (JSON.parse((await daemon.paas(['releases', app, '--json'])).stdout) as unknown[]).length;
  const releasesBefore = await releaseCount();
  const webIds = async () => (await containersOf(app)).filter((c) => c.State === 'running' && c.Labels['paas.process'] === 'web').map((c) => c.Id);
  const [first] = await webIds();
  const scale = await daemon.paas(['ps:scale', app, 'web=3']);
  t.is(scale.code, 0, scale.output);
  t.regex(scale.stdout, /Scaling .* to web=3: starting web\.2, web\.3/);
  t.regex(scale.stdout, /Scaled: web=3/);
  t.true((await webIds()).includes(first!), 'the container that ran before was left alone');
  t.is(await releaseCount(), releasesBefore, 'scaling makes no release');
  const same = await daemon.paas(['ps:scale', app, 'web=3']);
  t.regex(same.stdout, /Already at web=3: nothing to start or stop/);
  const hosts = new Set<string>();
  for (let i = 0; i < 30; i++) hosts.add((await daemon.get(app, '/cgi-bin/host')).body.trim());
  t.is(hosts.size, 3, `answered by ${[...hosts].join(', ')}`);
  const ps = JSON.parse((await daemon.paas(['ps', app, '--json'])).stdout) as { process: string; replica: number; state: string }[];
  t.deepEqual(
    ps.map((p) => `${p.process}.${p.replica}:${p.state}`),
    ['web.1:running', 'web.2:running', 'web.3:running'],
  );
  t.is(await greeting(), 'hello "world" = it\'s\nsecond line  with  spaces', 'the config stays');

  const kept = (await containersOf(app)).filter((c) => c.State === 'running' && ['1', '2'].includes(c.Labels['paas.replica']!)).map((c) => c.Id);
  const down = await daemon.paas(['ps:scale', app, 'web-1']);
  t.is(down.code, 0, down.output);
  t.regex(down.stdout, /stopping web\.3/);
  t.regex((await daemon.paas(['ps:scale', app])).stdout, /^web=2$/m);
  for (let i = 0; i < 100 && (await webIds()).length > 2; i++) await new Promise((r) => setTimeout(r, 100));
  t.deepEqual((await webIds()).sort(), kept.sort(), 'web.3 went, web.1 and web.2 are the same containers');
});

test.serial(
  'Heroku habits: unsetting an unset var changes nothing; staged config applies on ps:restart; rollback takes the release before, whatever kind',
  async (t) => {
    const count = async () => (JSON.parse((await daemon.paas(['releases', app, '--json'])).stdout) as unknown[]).length;
    const before = await count();
    const unset = await daemon.paas(['config:unset', app, 'NOT_SET_ANYWHERE']);
    t.is(unset.code, 0, unset.output);
    t.regex(unset.stdout, /NOT_SET_ANYWHERE is not set; nothing changed/);
    t.is(await count(), before, 'no release was made');

    const staged = await daemon.paas(['config:set', app, 'GREETING=staged, then restarted', '--no-restart']);
    t.is(staged.code, 0, staged.output);
    t.not(await greeting(), 'staged, then restarted');
    const restart = await daemon.paas(['ps:restart', app]);
    t.is(restart.code, 0, restart.output);
    t.is(await greeting(), 'staged, then restarted', 'the restart applied the staged value');

    // Every release so far shares one image: the one before is a config release, and a rollback takes it.
    const rollback = await daemon.paas(['rollback', app]);
    t.is(rollback.code, 0, rollback.output);
    t.not(await greeting(), 'staged, then restarted');
  },
);
