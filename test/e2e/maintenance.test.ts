// Maintenance mode end to end (Dokku's maintenance:on/off): the processes keep running, the router answers a 503
// maintenance page with Retry-After, through a deploy and a restart of the daemon, until maintenance:off.
import test from 'ava';
import http from 'node:http';
import { commitAll, fixtureRepo, removeApps, settledContainersOf, startDaemon, uniqueName, type Daemon } from './_daemon.js';

const app = uniqueName('maint');
let daemon: Daemon;

test.after.always(async () => {
  await daemon?.stop();
  await removeApps([app]);
});

function get(d: Daemon): Promise<{ status: number; retryAfter?: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: d.httpPort, path: '/', headers: { host: `${app}.localhost` }, agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}) }),
        );
      })
      .on('error', reject);
  });
}

test('maintenance:on answers 503 with Retry-After while the processes run, through a deploy and a daemon restart; maintenance:off serves again', async (t) => {
  daemon = await startDaemon();
  const repo = await fixtureRepo('dockerfile-hello');
  await commitAll(repo, 'v1', { 'index.html': 'before maintenance\n' });
  t.is((await daemon.push(repo, app)).code, 0);
  t.is((await get(daemon)).body, 'before maintenance\n');
  const running = (await settledContainersOf(app)).map((c) => c.Id);

  const on = await daemon.paas(['maintenance:on', app]);
  t.is(on.code, 0, on.output);
  t.regex(on.stdout, /Maintenance on for .*: its hostnames answer 503/);
  const answer = await get(daemon);
  t.is(answer.status, 503);
  t.is(answer.retryAfter, '60');
  t.regex(answer.body, /maintenance/i);
  t.deepEqual(
    (await settledContainersOf(app)).map((c) => c.Id),
    running,
    'the processes keep running',
  );
  t.is((await daemon.paas(['maintenance', app])).stdout, 'on\n');
  t.regex((await daemon.paas(['apps:info', app])).stdout, /Maintenance: +on/);

  await commitAll(repo, 'v2', { 'index.html': 'after maintenance\n' });
  const push = await daemon.push(repo, app);
  t.is(push.code, 0, push.output);
  t.is((await get(daemon)).status, 503, 'a deploy does not end maintenance');

  daemon = await startDaemon({ reuse: await daemon.stop().then(() => daemon) });
  t.is((await get(daemon)).status, 503, 'a restarted daemon keeps the app in maintenance');

  const off = await daemon.paas(['maintenance:off', app]);
  t.is(off.code, 0, off.output);
  t.deepEqual(await get(daemon), { status: 200, body: 'after maintenance\n' });
  t.is((await daemon.paas(['maintenance', app])).stdout, 'off\n');
  t.regex((await daemon.paas(['events', app])).stdout, /maintenance:on .*\n?[\s\S]*maintenance:off|maintenance:off[\s\S]*maintenance:on/);
});
