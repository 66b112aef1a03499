// Apps without a Dockerfile, built by the bundled buildpacks into layered images, end to end.
import test from 'ava';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { imageTag } from '../../src/docker/names.js';
import { commitAll, containersOf, docker, fileDaemon, fixtureRepo } from './_daemon.js';

const { daemon, name } = fileDaemon(test, { env: { PAAS_READY_TIMEOUT: '20' } });

const layersOf = async (image: string) => (await docker.getImage(image).inspect()).RootFS.Layers ?? [];

test.serial('a Node app with a lockfile builds with the node buildpack; a code-only change reuses runtime and dependency layers', async (t) => {
  const app = name('node');
  const repo = await fixtureRepo('node-express');
  const first = await daemon().push(repo, app);
  t.is(first.code, 0, first.output);
  t.regex(first.output, /remote: -----> Node\.js app detected \(buildpack node\)/);
  t.regex(first.output, /remote: -----> Node\.js 20\.\d+\.\d+ \(engines\.node 20\.x\), npm \d+\.\d+\.\d+/);
  t.regex((await daemon().get(app)).body, /^hello from node v20\.\d+\.\d+, 1m, built at build time$/m);
  t.regex(first.output, /remote: -----> Running tests \(CI run \d+\): npm test/);
  t.regex(first.output, /node fixture tests passed/, 'tests see devDependencies');
  const { docker: engine } = await import('./_daemon.js');
  const probe = await engine.createContainer({ Image: imageTag(app, 1).ref, Cmd: ['sh', '-c', 'ls /app/node_modules'] });
  await probe.start();
  await probe.wait();
  const modules = String(await probe.logs({ stdout: true, stderr: true }));
  await probe.remove({ force: true });
  t.regex(modules, /ms/);
  t.notRegex(modules, /is-number/, 'the runtime image has no devDependencies');

  const server = fs.readFileSync(path.join(repo, 'server.js'), 'utf8').replace('hello from node', 'hi again from node');
  await commitAll(repo, 'code only', { 'server.js': server });
  const second = await daemon().push(repo, app);
  t.is(second.code, 0, second.output);
  t.regex((await daemon().get(app)).body, /^hi again from node/);

  const [v1, v2] = [await layersOf(imageTag(app, 1).ref), await layersOf(imageTag(app, 2).ref)];
  t.is(v1.length, v2.length);
  // stack, buildpack, runtime, workdir, dependencies (one committed layer): the same; the app copy, its compile
  // step and the devDependency prune on top: new.
  t.deepEqual(v2.slice(0, -3), v1.slice(0, -3), 'runtime and dependency layers reused');
  t.notDeepEqual(v2.slice(-3), v1.slice(-3));
  t.regex(second.output, new RegExp(`Layers: ${v2.length - 3} reused, 3 new`));

  // npm's cache persists in the app's build cache on the host, and goes with the app.
  const cache = path.join(daemon().dataDir, 'cache', app, 'npm');
  t.true(fs.existsSync(cache) && fs.readdirSync(cache).length > 0, 'npm cache kept across builds');

  // Another app on the same Node.js version shares the stack, buildpack and runtime layers.
  const other = name('node2');
  const otherPush = await daemon().push(await fixtureRepo('node-express'), other);
  t.is(otherPush.code, 0, otherPush.output);
  t.deepEqual((await layersOf(imageTag(other, 1).ref)).slice(0, 3), v1.slice(0, 3));

  t.is((await daemon().paas(['apps:destroy', other, '--confirm', other])).code, 0);
  t.false(fs.existsSync(path.join(daemon().dataDir, 'cache', other)), 'the build cache is deleted with the app');
});

test.serial('a static site is served with index handling', async (t) => {
  const app = name('static');
  const push = await daemon().push(await fixtureRepo('static-site'), app);
  t.is(push.code, 0, push.output);
  t.regex(push.output, /buildpack static/);
  t.regex((await daemon().get(app)).body, /hello from a static site/);
  t.regex((await daemon().get(app, '/about/')).body, /about page/);
  // Caching: validators on every file, and a 304 when the client already has it.
  const head = (headers: Record<string, string>) =>
    new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get(
          { host: '127.0.0.1', port: daemon().httpPort, path: '/', headers: { host: `${app}.localhost`, ...headers } },
          (res) => (res.resume(), resolve(res)),
        )
        .on('error', reject),
    );
  const first = await head({});
  t.truthy(first.headers.etag);
  t.truthy(first.headers['last-modified']);
  t.is((await head({ 'if-none-match': String(first.headers.etag) })).statusCode, 304);
});

test.serial('a Python standard-library app runs its Procfile web process', async (t) => {
  const app = name('python');
  const push = await daemon().push(await fixtureRepo('python-stdlib'), app);
  t.is(push.code, 0, push.output);
  t.regex(push.output, /Python app detected \(buildpack python\)/);
  t.regex((await daemon().get(app)).body, /^hello from python 3\.\d+$/m);
});

test.serial('a Go app is built into a binary with Go from Debian', async (t) => {
  const app = name('go');
  const push = await daemon().push(await fixtureRepo('go-hello'), app);
  t.is(push.code, 0, push.output);
  t.regex(push.output, /Go app detected \(buildpack go\)/);
  t.regex((await daemon().get(app)).body, /^hello from go go1\.\d+/m);
});

test.serial('a Procfile with web and worker runs both (worker scaled before the first deploy), after its release command', async (t) => {
  const app = name('procs');
  t.is((await daemon().paas(['apps:create', app])).code, 0);
  const scaled = await daemon().paas(['ps:scale', app, 'worker=1']);
  t.is(scaled.code, 0, scaled.output);
  t.regex(scaled.output, /Stored worker=1; the first deploy starts with it/);
  const push = await daemon().push(await fixtureRepo('procfile-worker'), app);
  t.is(push.code, 0, push.output);
  t.regex(push.output, /-----> Running release command: echo/);
  t.regex(push.output, /release phase ran/);
  t.is((await daemon().get(app)).body, 'hello from the null buildpack\n');
  const processes = (await containersOf(app))
    .filter((c) => c.State === 'running')
    .map((c) => c.Labels['paas.process'])
    .sort();
  t.deepEqual(processes, ['web', 'worker']);
});

test.serial('an admin can set an app to a custom buildpack folder on the host', async (t) => {
  const app = name('custom');
  t.is((await daemon().paas(['apps:create', app])).code, 0);
  const bad = await daemon().paas(['buildpacks:set', app, '/nonexistent/buildpack']);
  t.not(bad.code, 0);
  t.regex(bad.stderr, /\/nonexistent\/buildpack is not a buildpack: bin\/detect is missing/);
  const folder = path.resolve('test/fixtures/buildpacks/shout');
  const set = await daemon().paas(['buildpacks:set', app, folder]);
  t.is(set.code, 0, set.output);
  const push = await daemon().push(await fixtureRepo('shout-app'), app);
  t.is(push.code, 0, push.output);
  t.regex(push.output, /Shout app detected \(buildpack .*shout\)/);
  t.regex(push.output, /-----> Shouted/);
  t.is((await daemon().get(app)).body, 'HELLO FROM A CUSTOM BUILDPACK\n');
});

test.serial('bad input: nothing detected, a failing compile, a malformed Procfile, an impossible engines.node', async (t) => {
  const app = name('bad');
  const repo = await fixtureRepo('static-site');
  t.is((await daemon().push(repo, app)).code, 0);

  fs.rmSync(path.join(repo, 'index.html'));
  fs.rmSync(path.join(repo, 'about'), { recursive: true });
  await commitAll(repo, 'nothing to build', { 'notes.txt': 'just notes\n' });
  const nothing = await daemon().push(repo, app);
  t.not(nothing.code, 0);
  t.regex(nothing.output, /no buildpack applies to this app; tried null, node, python, go, static/);

  await commitAll(repo, 'broken build', {
    'package.json': JSON.stringify({
      name: 'x',
      version: '1.0.0',
      engines: { node: '20.x' },
      scripts: { build: 'node -e "console.error(\'compile broke\'); process.exit(3)"' },
    }),
  });
  const broken = await daemon().push(repo, app);
  t.not(broken.code, 0);
  t.regex(broken.output, /compile broke/);
  t.regex(broken.output, /Node\.js build failed/);

  await commitAll(repo, 'bad procfile', { Procfile: 'web: node server.js\nnot a process line\n' });
  const procfile = await daemon().push(repo, app);
  t.regex(procfile.output, /Procfile line 2: expected "type: command"/);

  await commitAll(repo, 'impossible node', {
    Procfile: 'web: node server.js\n',
    'package.json': JSON.stringify({ name: 'x', version: '1.0.0', engines: { node: '>=99' } }),
  });
  const impossible = await daemon().push(repo, app);
  t.regex(impossible.output, /package\.json engines\.node ">=99" matches no published Node\.js version \(newest: \d+\.\d+\.\d+\)/);

  t.regex((await daemon().get(app)).body, /hello from a static site/, 'the first release still serves');
});
