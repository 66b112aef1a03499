// The spine end to end: a real daemon, Docker, Redis, git and OpenSSH client, as a user would use them.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { containerName, imageTag } from '../../src/docker/names.js';
import { commitAll, containersOf, fixtureRepo, git, removeApps, run, settledContainersOf, startDaemon, uniqueName, type Daemon } from './_daemon.js';

let daemon: Daemon;
const apps: string[] = [];
const app = uniqueName('hello');
let repo: string;
let liveSha: string;

test.before(async () => {
  daemon = await startDaemon();
  apps.push(app);
  repo = await fixtureRepo('dockerfile-hello');
});

test.after.always(async () => {
  await daemon?.stop();
  await removeApps(apps);
});

/** Each test starts its work tree from the commit that is live. */
const fromLive = () => git(repo, ['reset', '-q', '--hard', liveSha]);
const remoteRef = async (name: string, ref = 'refs/heads/main') =>
  (await run('git', ['--git-dir', path.join(daemon.dataDir, 'repos', `${name}.git`), 'rev-parse', '--verify', '--quiet', ref])).stdout.trim();

test.serial('git push deploys a Dockerfile app, and a second push replaces it', async (t) => {
  const first = await daemon.push(repo, app);
  t.is(first.code, 0, first.output);
  t.regex(first.output, /-----> Creating app /);
  t.regex(first.output, /remote: -----> Building .* from Dockerfile/);
  t.regex(first.output, /remote: {8}#\d+ \[\d\/\d\] FROM docker\.io\/library\/debian:bookworm-slim/);
  t.true(first.output.includes(`remote: =====> Application deployed: http://${app}.localhost:${daemon.httpPort}`), first.output);
  t.deepEqual(await daemon.get(app), { status: 200, body: 'hello from v1\n' });

  liveSha = await commitAll(repo, 'v2', { 'index.html': 'hello from v2\n' });
  const second = await daemon.push(repo, app);
  t.is(second.code, 0, second.output);
  t.deepEqual(await daemon.get(app), { status: 200, body: 'hello from v2\n' });
  // The replaced container drains and stops after the push returned; the replaced web is kept frozen for a rollback.
  const containers = await settledContainersOf(app);
  t.deepEqual(
    containers.map((c) => c.Names[0]),
    [`/${containerName(app, 'web', 2, 1)}`],
    'only the new release runs',
  );
  t.deepEqual(
    (await containersOf(app)).filter((c) => c.State === 'paused').map((c) => c.Names[0]),
    [`/${containerName(app, 'web', 1, 1)}`],
    'v1 is held for a rollback',
  );
  t.like(containers[0]!.Labels, { 'paas.app': app, 'paas.release': '2', 'paas.process': 'web' });

  const builds = await daemon.paas(['builds', app]);
  t.is(builds.code, 0);
  t.regex(builds.stdout, /2\s+succeeded\s+main\s+[0-9a-f]{7}\s+v2/);
  const log = await daemon.paas(['builds:log', app, '1']);
  t.regex(log.stdout, /-----> Building/);
});

test.serial('.dockerignore keeps files out of the image', async (t) => {
  const image = imageTag(app, 2).ref;
  const { docker } = await import('./_daemon.js');
  const container = await docker.createContainer({ Image: image, Cmd: ['ls', '-a', '/www'] });
  await container.start();
  await container.wait();
  const logs = String(await container.logs({ stdout: true, stderr: true }));
  await container.remove({ force: true });
  t.regex(logs, /index\.html/);
  t.notRegex(logs, /secret\.txt/);
});

test.serial('a Dockerfile that fails to build rejects the push; the previous release keeps serving', async (t) => {
  await fromLive();
  await commitAll(repo, 'broken', { Dockerfile: 'FROM debian:bookworm-slim\nRUN echo compiling && exit 7\n' });
  const push = await daemon.push(repo, app);
  t.not(push.code, 0);
  t.regex(push.output, /remote: {2}! {5}Docker build failed: the step `echo compiling && exit 7` exited with code 7/);
  t.regex(push.output, /\[remote rejected\] main -> main \(pre-receive hook declined\)/);
  t.deepEqual(await daemon.get(app), { status: 200, body: 'hello from v2\n' });
  t.is(await remoteRef(app), liveSha, 'the ref did not move');
});

test.serial('a container that exits at once rejects the push with its exit code; the previous release keeps serving', async (t) => {
  await fromLive();
  await commitAll(repo, 'crashes', { Dockerfile: 'FROM debian:bookworm-slim\nCMD ["sh", "-c", "echo starting; echo cannot start >&2; exit 3"]\n' });
  const push = await daemon.push(repo, app);
  t.not(push.code, 0);
  t.regex(push.output, /remote: {8}cannot start/);
  t.regex(push.output, /web\.1 failed its health check: container exited with code 3; the previous release keeps serving/);
  t.deepEqual(await daemon.get(app), { status: 200, body: 'hello from v2\n' });
  t.deepEqual(
    (await settledContainersOf(app)).map((c) => c.Labels['paas.release']),
    ['2'],
  );
});

test.serial('a push to another branch is accepted and deploys nothing', async (t) => {
  await fromLive();
  await commitAll(repo, 'feature work', { 'index.html': 'feature\n' });
  const push = await daemon.push(repo, app, 'HEAD:refs/heads/feature');
  t.is(push.code, 0, push.output);
  t.regex(push.output, /remote: -----> Received feature \([0-9a-f]{7}\); only main or master deploys/);
  t.deepEqual(await daemon.get(app), { status: 200, body: 'hello from v2\n' });
});

test.serial('two pushes to one app at once are both deployed, in push order', async (t) => {
  await fromLive();
  const first = await commitAll(repo, 'v3', { 'index.html': 'hello from v3\n' });
  const second = await commitAll(repo, 'v4', { 'index.html': 'hello from v4\n' });
  const pushA = daemon.push(repo, app, `${first}:refs/heads/main`);
  // Start the second push once the first one's build is queued.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const builds = JSON.parse((await daemon.paas(['builds', app, '--json'])).stdout) as { sha: string }[];
    if (builds.some((b) => b.sha === first)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const pushB = daemon.push(repo, app, `${second}:refs/heads/main`);
  const [a, b] = await Promise.all([pushA, pushB]);
  t.is(a.code, 0, a.output);
  t.is(b.code, 0, b.output);
  t.regex(b.output, /Another push to .* is in progress; waiting for it to finish/);
  t.deepEqual(await daemon.get(app), { status: 200, body: 'hello from v4\n' });
  const releases = JSON.parse((await daemon.paas(['releases', app, '--json'])).stdout) as { version: number; sha: string }[];
  t.deepEqual(
    releases.slice(0, 2).map((r) => r.sha),
    [second, first],
    'released in push order',
  );
  t.is(await remoteRef(app), second);
  liveSha = second;
});

test.serial('a repository with neither a Dockerfile nor anything a buildpack knows gets a clear message', async (t) => {
  const bare = uniqueName('nodockerfile');
  apps.push(bare);
  const dir = await fixtureRepo('dockerfile-hello');
  for (const file of ['Dockerfile', 'index.html']) fs.rmSync(path.join(dir, file));
  await commitAll(dir, 'no dockerfile');
  const push = await daemon.push(dir, bare);
  t.not(push.code, 0);
  t.regex(push.output, /remote: -----> Building .* with a buildpack/);
  t.regex(push.output, /remote: {2}! {5}no buildpack applies to this app; tried null, node, python, go, static \(add a Dockerfile, or/);
  t.is((await daemon.get(bare)).status, 404);
  t.is(await remoteRef(bare), '');
});

test.serial('an unknown key is refused by SSH', async (t) => {
  const stranger = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paas-key-')), 'id');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
  const push = await daemon.push(repo, app, 'main', stranger);
  t.not(push.code, 0);
  t.regex(push.stderr, /Permission denied \(publickey\)/);
});

test.serial('bad app names and injection attempts are refused and create nothing', async (t) => {
  const marker = path.join(os.tmpdir(), `paas-pwned-${process.pid}`);
  const ssh = (command: string) => daemon.ssh([command]);

  for (const name of ['../x', 'MyApp', 'a_b']) {
    const push = await daemon.push(repo, name);
    t.not(push.code, 0, name);
    t.regex(push.output, /invalid app name/, name);
  }
  const injected = await ssh(`git-receive-pack 'x'; touch ${marker}; ''`);
  t.is(injected.code, 2);
  t.regex(injected.stderr, /invalid app name/);
  const other = await ssh('ls /');
  t.is(other.code, 1);
  t.is(other.stderr, ' !     unknown command "ls", did you mean "ps"?\n');
  const shell = await ssh('sh -c "touch ' + marker + '"');
  t.is(shell.stderr, ' !     unknown command "sh"\n');

  t.false(fs.existsSync(marker));
  const repos = fs.readdirSync(path.join(daemon.dataDir, 'repos')).sort();
  t.true(
    repos.every((r) => /^[a-z0-9-]+\.git$/.test(r)),
    repos.join(' '),
  );
  const listed = JSON.parse((await daemon.paas(['apps:list', '--json'])).stdout) as { name: string }[];
  t.deepEqual(listed.map((a) => a.name).sort(), [...apps].sort());
});

test.serial('the CLI refuses bad input with one clear line, and apps:destroy removes everything', async (t) => {
  const bad = await daemon.paas(['apps:create', 'Bad_Name']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /^ ! {5}invalid app name "Bad_Name"/);
  const garbage = await daemon.paas(['keys:add', 'junk'], 'not a key');
  t.not(garbage.code, 0);
  t.regex(garbage.stderr, /not an OpenSSH public key|expected one OpenSSH public key/);
  const typo = await daemon.paas(['apps:craete', 'x']);
  t.not(typo.code, 0);
  t.is(typo.stderr, ' !     unknown command "apps:craete", did you mean "apps:create"?\n');

  const created = await daemon.paas(['apps:create', uniqueName('empty')]);
  t.is(created.code, 0, created.output);

  const destroyed = await daemon.paas(['apps:destroy', app, '--confirm', app]);
  t.is(destroyed.code, 0, destroyed.output);
  t.deepEqual(await containersOf(app), []);
  t.is((await daemon.get(app)).status, 404);
  t.false(fs.existsSync(path.join(daemon.dataDir, 'repos', `${app}.git`)));
  const { docker } = await import('./_daemon.js');
  t.deepEqual(await docker.listImages({ filters: { label: [`paas.app=${app}`] } }), []);
  const builds = await daemon.paas(['builds', app]);
  t.regex(builds.stderr, /app ".*" does not exist/);
});

test.serial('apps:destroy during a build waits it out and leaves nothing behind', async (t) => {
  const doomed = uniqueName('doomed');
  const repo = await fixtureRepo('dockerfile-hello');
  // The slow step names the app: a step the engine built before (an earlier run of this test) would be cached.
  await commitAll(repo, 'slow build', {
    Dockerfile: `FROM debian:bookworm-slim\nRUN sleep 4 && echo ${doomed}\nWORKDIR /www\nCOPY index.html /www/index.html\nCMD ["sh", "-c", "exec busybox httpd -f -p \${PORT} -h /www"]\n`,
  });
  let output = '';
  let building!: () => void;
  const started = new Promise<void>((resolve) => (building = resolve));
  const push = daemon.push(repo, doomed, 'main', undefined, (chunk) => {
    output += chunk;
    if (/RUN sleep 4/.test(output)) building();
  });
  await started;
  const destroyed = await daemon.paas(['apps:destroy', doomed, '--confirm', doomed]);
  t.is(destroyed.code, 0, destroyed.output);
  await push;
  t.deepEqual(await containersOf(doomed), [], 'no container of the build outlives the app');
  const { docker } = await import('./_daemon.js');
  t.deepEqual(await docker.listImages({ filters: { label: [`paas.app=${doomed}`] } }), []);
  t.deepEqual(await docker.listNetworks({ filters: { label: [`paas.app=${doomed}`] } }), []);
  t.is((await daemon.get(doomed)).status, 404);
  await removeApps([doomed]);
});
