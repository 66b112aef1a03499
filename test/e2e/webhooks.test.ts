// Webhooks as Heroku users set them up: a receiver gets each build and release of the app, signed with the
// webhook's secret, retried when it fails; deliveries are listed with their status; a collaborator cannot aim a
// webhook at the host or the apps' networks.
import test from 'ava';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { hostAddresses } from '../../src/host/addresses.js';
import { spawnSync } from 'node:child_process';
import { fixtureRepo, freePort, removeApps, startDaemon, uniqueName, type Daemon } from './_daemon.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

const app = uniqueName('hooks');
let daemon: Daemon;
let receiver: http.Server;
let port: number;
const received: Received[] = [];
let refusals = 1;

test.before(async () => {
  daemon = await startDaemon();
  port = await freePort();
  // The receiver fails its first request (a 500), as a receiver being deployed would; then it takes them.
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (refusals-- > 0) {
        res.statusCode = 500;
        return res.end('not now');
      }
      received.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
});

test.after.always(async () => {
  receiver?.close();
  await daemon?.stop();
  await removeApps([app]);
});

async function until<T>(what: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = what();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

test.serial('a push sends its build and release, signed, and a failed delivery is retried', async (t) => {
  t.is((await daemon.paas(['apps:create', app])).code, 0);
  const added = await daemon.paas(['webhooks:add', app, `http://127.0.0.1:${port}/hook`, '--events', 'release,build']);
  t.is(added.code, 0, added.output);
  const secret = /signing secret \(shown once\): ([0-9a-f]{48})/.exec(added.stdout)?.[1];
  t.truthy(secret, added.stdout);
  t.notRegex((await daemon.paas(['webhooks', app])).stdout, new RegExp(secret!), 'the secret is never listed');

  const push = await daemon.push(await fixtureRepo('dockerfile-hello'), app);
  t.is(push.code, 0, push.output);
  const events = await until(() => (received.length >= 2 ? received.map((r) => r.headers['x-paas-event']).sort() : undefined));
  t.deepEqual(events, ['build', 'release']);
  for (const delivery of received) {
    const expected = `sha256=${createHmac('sha256', secret!).update(delivery.body).digest('hex')}`;
    t.is(delivery.headers['x-paas-signature-256'], expected, 'signed with the secret over the exact body');
    const body = JSON.parse(delivery.body) as { app: string; event: string; data: Record<string, unknown> };
    t.is(body.app, app);
    if (body.event === 'release') t.like(body.data, { version: 1, by: 'e2e' });
    if (body.event === 'build') t.like(body.data, { status: 'succeeded', release: 1 });
  }
  const deliveries = JSON.parse((await daemon.paas(['webhooks:deliveries', app, '--json'])).stdout) as { status: string; attempts: number }[];
  t.true(
    deliveries.every((d) => d.status === 'delivered'),
    JSON.stringify(deliveries),
  );
  t.true(
    deliveries.some((d) => d.attempts === 2),
    'the one the receiver refused was delivered on its second attempt',
  );
});

test.serial('a config change sends a release naming who made it', async (t) => {
  const before = received.length;
  t.is((await daemon.paas(['config:set', app, 'HOOKED=yes'])).code, 0);
  const release = await until(() => received.slice(before).find((r) => r.headers['x-paas-event'] === 'release'));
  t.like(JSON.parse(release.body), { event: 'release', data: { version: 2, description: 'Set HOOKED config var', by: 'local' } });
});

test.serial("a collaborator cannot aim a webhook at the host or the apps' networks", async (t) => {
  const keyFile = path.join(daemon.dataDir, 'collab_key');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'collab', '-f', keyFile]);
  t.is((await daemon.paas(['keys:add', 'collab', '--app', app], fs.readFileSync(keyFile + '.pub', 'utf8'))).code, 0);
  // The host's own interface addresses (eth0's, whatever its range), and special-purpose ranges.
  const own = (await hostAddresses()).filter((a) => !a.startsWith('127.') && a !== '::1');
  const targets = [`http://127.0.0.1:${port}/x`, 'http://10.231.0.2/', 'http://[::1]:80/', 'http://169.254.169.254/latest/meta-data'];
  targets.push(...own.slice(0, 3).map((a) => (a.includes(':') ? `http://[${a}]:${port}/` : `http://${a}:${port}/`)));
  targets.push('http://198.18.0.1/', 'http://192.0.0.9/', 'http://[64:ff9b::808:808]/', 'http://[2001:db8::1]/');
  for (const target of targets) {
    const tried = await daemon.ssh(['webhooks:add', app, target], { keyFile });
    t.not(tried.code, 0, target);
    t.regex(tried.stderr, /is not on the public internet .*only an admin may send webhooks there/, target);
  }
  t.regex((await daemon.ssh(['webhooks:add', app, 'file:///etc/passwd'], { keyFile })).stderr, /a webhook URL is http:\/\/ or https:\/\//);
  t.is(JSON.parse((await daemon.paas(['webhooks', app, '--json'])).stdout).length, 1, 'only the admin one');
});
