// Zero-downtime releases end to end: health-gated swaps, all-or-nothing process types, rollbacks, layer records,
// image collection and daemon restarts, against the real daemon, Docker, git and OpenSSH client.
import test from 'ava';
import http from 'node:http';
import { containerName } from '../../src/docker/names.js';
import Docker from 'dockerode';
import { commitAll, containersOf, fixtureRepo, git, removeApps, startDaemon, uniqueName, type Daemon } from './_daemon.js';

let daemon: Daemon;
const app = uniqueName('rel');
let repo: string;
let live: string;

const ENV = { PAAS_READY_TIMEOUT: '5', PAAS_KEEP_RELEASES: '3', PAAS_STOP_GRACE: '5', PAAS_DRAIN_TIMEOUT: '5' };

const docker = new Docker();

test.before(async () => {
  daemon = await startDaemon({ env: ENV });
  repo = await fixtureRepo('dockerfile-hello');
  const first = await daemon.push(repo, app);
  if (first.code !== 0) throw new Error(first.output);
  live = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();
});

test.after.always(async () => {
  await daemon?.stop();
  await removeApps([app]);
});

const body = async () => (await daemon.get(app)).body;
const fromLive = () => git(repo, ['reset', '-q', '--hard', live]);
async function deploy(text: string): Promise<void> {
  await fromLive();
  await commitAll(repo, text, { 'index.html': text });
  const push = await daemon.push(repo, app);
  if (push.code !== 0) throw new Error(push.output);
  live = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();
}
const releases = async () => JSON.parse((await daemon.paas(['releases', app, '--json'])).stdout) as { version: number; status: string; description: string }[];

/** Keeps `clients` keep-alive clients requesting through the router until stopped; counts what was not a 200. */
function load(clients: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  let stopped = false;
  let ok = 0;
  const failures: string[] = [];
  const one = () =>
    new Promise<void>((resolve) => {
      http
        .get({ host: '127.0.0.1', port: daemon.httpPort, path: '/', headers: { host: `${app}.localhost` }, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) ok++;
            else failures.push(`status ${res.statusCode}`);
            resolve();
          });
        })
        .on('error', (err) => {
          failures.push(err.message);
          resolve();
        });
    });
  const loops = Array.from({ length: clients }, async () => {
    while (!stopped) await one();
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      agent.destroy();
      return { ok, failures };
    },
  };
}

test.serial('deploys under load drop no request, and print what the new image shares', async (t) => {
  const traffic = load(8);
  const outputs: string[] = [];
  for (const text of ['load 1\n', 'load 2\n', 'load 3\n']) {
    await fromLive();
    await commitAll(repo, text, { 'index.html': text });
    const push = await daemon.push(repo, app);
    t.is(push.code, 0, push.output);
    outputs.push(push.output);
    live = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();
  }
  const { ok, failures } = await traffic.stop();
  t.deepEqual(failures, [], 'no failed request');
  t.true(ok > 50, `requests were served during the deploys (${ok})`);
  t.is(await body(), 'load 3\n');
  t.regex(outputs[2]!, /remote: -----> Layers: 2 reused, 1 new \(\d+ B\)/);
  t.regex(outputs[2]!, /draining \d+ old containers? in the background/);
  // The push returned once the new release served; the replaced replica drains after, and the app's log says when.
  const latest = (await releases())[0]!.version;
  const retired = new RegExp(
    `paas\\[deploy\\]: v${latest}: drained, (stopped 1 old container and )?kept 1 frozen for 10 min for a rollback that serves at once in [\\d.]+ s`,
  );
  let logs = '';
  for (let i = 0; i < 100 && !retired.test(logs); i++) {
    await new Promise((r) => setTimeout(r, 200));
    logs = (await daemon.paas(['logs', app, '-n', '5000'])).stdout;
  }
  t.regex(logs, retired);
  const running = (await containersOf(app)).filter((c) => c.State === 'running' && c.Labels['paas.process'] === 'web');
  t.is(running.length, 1, 'only the new release runs once the drain ended');
});

test.serial('a health check answering 404 rejects the push with what was seen; the old release serves', async (t) => {
  await fromLive();
  await commitAll(repo, 'checked', { 'app.json': JSON.stringify({ healthchecks: { web: [{ path: '/health', attempts: 2, wait: 0.2 }] } }) });
  const push = await daemon.push(repo, app);
  t.not(push.code, 0);
  t.regex(push.output, /web\.1 failed its health check: GET \/health returned 404, expected 200; the previous release keeps serving/);
  t.is(await body(), 'load 3\n');
  const [latest] = await releases();
  t.like(latest, { status: 'failed' });
});

test.serial('a release that never opens its port is rejected after the deadline', async (t) => {
  await fromLive();
  await commitAll(repo, 'silent', { Dockerfile: 'FROM debian:bookworm-slim\nCMD ["sleep", "600"]\n' });
  const push = await daemon.push(repo, app);
  t.not(push.code, 0);
  t.regex(push.output, /web\.1 failed its health check: no answer on port 5000 after \d+ s/);
  t.is(await body(), 'load 3\n');
  t.deepEqual(
    (await containersOf(app)).filter((c) => c.State !== 'paused').map((c) => c.Labels['paas.release']),
    [String((await releases()).find((r) => r.status === 'active')!.version)],
    'nothing of the failed release is left (the replaced release held for a rollback aside)',
  );
});

test.serial('an image HEALTHCHECK that reports unhealthy rejects the push', async (t) => {
  await fromLive();
  await commitAll(repo, 'unhealthy image', {
    Dockerfile:
      'FROM debian:bookworm-slim\nWORKDIR /www\nCOPY index.html /www/index.html\n' +
      'HEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD ["sh", "-c", "exit 1"]\n' +
      'CMD ["sh", "-c", "exec busybox httpd -f -p ${PORT} -h /www"]\n',
  });
  const push = await daemon.push(repo, app);
  t.not(push.code, 0);
  t.regex(push.output, /web\.1 failed its health check: the image HEALTHCHECK reported unhealthy/);
  t.is(await body(), 'load 3\n');
});

test.serial('a worker that fails while web is fine fails the whole deploy', async (t) => {
  await fromLive();
  await commitAll(repo, 'with worker', {
    Procfile: 'web: exec busybox httpd -f -p $PORT -h /www\nworker: echo worker cannot connect >&2; exit 4\n',
    'app.json': JSON.stringify({ formation: { worker: { quantity: 1 } } }),
    'index.html': 'with worker\n',
  });
  const push = await daemon.push(repo, app);
  t.not(push.code, 0);
  t.regex(push.output, /worker\.1 failed its health check: container exited with code 4; the previous release keeps serving/);
  t.regex(push.output, /worker cannot connect/);
  t.is(await body(), 'load 3\n');
  t.false((await containersOf(app)).some((c) => c.Labels['paas.process'] === 'worker'));
});

test.serial("the replaced release's web replica is held frozen for a rollback: not a running process, left out of ps", async (t) => {
  const active = (await releases()).find((r) => r.status === 'active')!;
  const held = (await containersOf(app)).filter((c) => c.State === 'paused');
  t.is(held.length, 1, 'one web replica of the replaced release is held');
  t.is(held[0]!.Labels['paas.process'], 'web');
  t.not(held[0]!.Labels['paas.release'], String(active.version));
  const running = await docker.listContainers({ filters: { label: [`paas.app=${app}`], status: ['running'] } });
  t.deepEqual(
    running.filter((c) => c.Labels['paas.process']).map((c) => c.Labels['paas.release']),
    [String(active.version)],
    'docker ps --filter status=running counts only the active release',
  );
  const ps = await daemon.paas(['ps', app, '--json']);
  t.deepEqual(
    (JSON.parse(ps.stdout) as { release: string }[]).map((p) => p.release),
    [`v${active.version}`],
    'ps lists only what runs',
  );
});

test.serial('rollback serves the previous release again with no build, from the CLI and over SSH', async (t) => {
  const before = await releases();
  const rollback = await daemon.paas(['rollback', app]);
  t.is(rollback.code, 0, rollback.output);
  t.regex(rollback.stdout, /-----> Serving web\.1 of v\d+ again \(kept since it was replaced\) while v\d+ starts/);
  t.regex(rollback.stdout, /-----> Rolling back .* to v\d+ as v\d+ \(image [0-9a-f]{12}, no build\)/);
  t.notRegex(rollback.stdout, /Step 1/);
  t.is(await body(), 'load 2\n');
  const after = await releases();
  t.like(after[0], { version: before[0]!.version + 1, status: 'active' });
  t.regex(after[0]!.description, /^Rollback to v\d+$/);

  const target = after.find((r) => r.status !== 'failed' && r.version < after[0]!.version && r.description.startsWith('Deploy'))!;
  const ssh = await daemon.ssh([
    `rollback ${app} v${after.find((r) => r.description === after[0]!.description.replace('Rollback to', 'Deploy'))?.version ?? target.version}`,
  ]);
  t.is(ssh.code, 0, ssh.output);
  t.regex(ssh.stdout, /Rolled back to v\d+/);
});

test.serial('rollback to a version that does not exist, or whose image was collected, is a clear error', async (t) => {
  const missing = await daemon.paas(['rollback', app, 'v999']);
  t.is(missing.code, 1);
  t.regex(missing.stdout + missing.stderr, /has no release v999/);
  const collected = await daemon.paas(['rollback', app, 'v1']);
  t.is(collected.code, 1);
  t.regex(collected.stdout, /the image of v1 was garbage-collected; the oldest release you can roll back to is v\d+/);
});

test.serial('a rollback issued during a deploy runs after it, in order', async (t) => {
  await deploy('before race\n');
  await fromLive();
  await commitAll(repo, 'racing deploy', { 'index.html': 'racing deploy\n' });
  const pushing = daemon.push(repo, app);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const builds = JSON.parse((await daemon.paas(['builds', app, '--json'])).stdout) as { status: string }[];
    if (builds[0]?.status === 'running') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const rollingBack = daemon.paas(['rollback', app]);
  const [push, rollback] = await Promise.all([pushing, rollingBack]);
  t.is(push.code, 0, push.output);
  t.is(rollback.code, 0, rollback.output);
  live = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();
  const [last, beforeLast] = await releases();
  t.regex(last!.description, /^Rollback to v/);
  t.regex(beforeLast!.description, /^Deploy /);
  t.is(await body(), 'before race\n', 'the rollback, queued second, undid the racing deploy');
});

test.serial('releases:diff lists the layers and files a release added', async (t) => {
  const all = await releases();
  const deploys = all.filter((r) => r.description.startsWith('Deploy') && r.status !== 'failed');
  const [newer, older] = [deploys[0]!, deploys[1]!];
  const diff = await daemon.paas(['releases:diff', app, `v${older.version}`, `v${newer.version}`]);
  t.is(diff.code, 0, diff.output);
  t.regex(diff.stdout, /1 layer\(s\) added/);
  t.regex(diff.stdout, /www\/index\.html/);
  t.regex(diff.stdout, /-----> Config: unchanged/);
  const list = await daemon.paas(['releases', app]);
  t.regex(list.stdout, /VERSION\s+STATUS\s+DESCRIPTION\s+BY\s+LAYERS\s+SHARED\s+NEW/);
});

test.serial('apps keep running while the daemon is down, and a restarted daemon routes to them again', async (t) => {
  const served = await body();
  const active = String((await releases()).find((r) => r.status === 'active')!.version);
  const ofActive = async () => (await containersOf(app)).filter((c) => c.State === 'running' && c.Labels['paas.release'] === active);
  const running = (await ofActive()).map((c) => c.Id);
  await daemon.stop();
  t.deepEqual(
    (await ofActive()).map((c) => c.Id),
    running,
  );
  // A container a crash left half-deployed (a release that never became active) is cleaned up on start.
  const { docker } = await import('./_daemon.js');
  const stray = await docker.createContainer({
    name: containerName(app, 'web', 999, 1),
    Image: 'paas/stack:bookworm',
    Cmd: ['sleep', '600'],
    Labels: { 'paas.app': app, 'paas.release': '999', 'paas.process': 'web', 'paas.port': '5000' },
  });
  await stray.start();
  daemon = await startDaemon({ env: ENV, reuse: daemon });
  t.is(await body(), served);
  t.deepEqual((await containersOf(app)).map((c) => c.Id).sort(), [...running].sort(), 'only the active release runs');
});
