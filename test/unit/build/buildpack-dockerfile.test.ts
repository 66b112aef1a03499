import test from 'ava';
import { appDockerfile, defaultProcessTypes, runtimeDockerfile, wantsSourceVersion } from '../../../src/build/buildpack-dockerfile.js';
import { depsImageRef } from '../../../src/build/deps-image.js';
import { compileCacheId, releaseStageLines } from '../../../src/build/buildpack-builder.js';
import { buildpackOrder } from '../../../src/build/detect-buildpack.js';

const node = {
  buildpack: 'node',
  runtimeArgs: ['https://r/node.tgz', 'abc', 'https://r/npm.tgz', 'def'],
  manifests: ['package.json'],
  installDeps: true,
  prune: true,
  path: ['/paas/node/bin'],
  env: {},
};

test('the runtime image installs the runtime with arguments never read by a shell', (t) => {
  const dockerfile = runtimeDockerfile(node, 'paas/stack:bookworm');
  t.regex(dockerfile, /^FROM paas\/stack:bookworm\n/);
  t.regex(dockerfile, /^RUN \["\/paas\/buildpack\/bin\/install-runtime","https:\/\/r\/node\.tgz","abc","https:\/\/r\/npm\.tgz","def"\]$/m);
  t.regex(dockerfile, /^ENV PATH=\/paas\/node\/bin:\/usr\/local\/sbin/m);
  t.notRegex(runtimeDockerfile({ ...node, runtimeArgs: undefined }, 'paas/stack:bookworm') as string, /install-runtime/);
});

test('the app image: source and compile in the test stage, prune on top for the runtime image', (t) => {
  const dockerfile = appDockerfile(node, 'paas/shop-deps:1234', 'npm start', 'paas/stack:apps');
  t.deepEqual(dockerfile.trim().split('\n'), [
    'FROM paas/shop-deps:1234 AS test',
    'COPY ["app/","/app/"]',
    'ARG SOURCE_VERSION',
    'RUN ["/paas/buildpack/bin/compile","/app","/tmp/paas-cache","/tmp/paas-env"]',
    'CMD ["/bin/sh","-c","npm start"]',
    'FROM test',
    'RUN ["/paas/buildpack/bin/prune","/app"]',
  ]);
  t.notRegex(appDockerfile({ ...node, prune: false }, 'x', undefined, 'paas/stack:apps'), /prune|CMD/);
});

test('with BuildKit the compile step gets its CACHE_DIR as a cache mount of the app alone', (t) => {
  const dockerfile = appDockerfile(node, 'paas/shop-deps:1234', 'npm start', 'paas/stack:apps', compileCacheId('shop'));
  t.regex(
    dockerfile,
    /^RUN --mount=type=cache,id=paas-app\/shop\/compile,target=\/tmp\/paas-cache \["\/paas\/buildpack\/bin\/compile","\/app","\/tmp\/paas-cache","\/tmp\/paas-env"\]$/m,
  );
  t.not(compileCacheId('a-b'), compileCacheId('a'), 'no app name gives the id of another app');
});

test('of the release stage build only its own steps show; the cached steps of the test stage and their output do not', (t) => {
  const shown: string[] = [];
  const show = releaseStageLines((line) => shown.push(line));
  for (const line of [
    '#1 [test 1/3] FROM paas/app/shop:deps-1',
    '#1 CACHED',
    '#2 [test 2/3] COPY ["app/","/app/"]',
    '#2 CACHED',
    '#3 [test 3/3] RUN ["/paas/buildpack/bin/compile","/app","/tmp/paas-cache","/tmp/paas-env"]',
    '#3 CACHED',
    '#4 [stage-1 1/1] RUN ["/paas/buildpack/bin/prune","/app"]',
    '#4 -----> Pruning devDependencies',
    '#4 DONE 0.4s',
    '#3 ERROR: should not happen, but shows',
  ])
    show(line);
  t.deepEqual(shown, [
    '#4 [stage-1 1/1] RUN ["/paas/buildpack/bin/prune","/app"]',
    '#4 -----> Pruning devDependencies',
    '#4 DONE 0.4s',
    '#3 ERROR: should not happen, but shows',
  ]);
  const classic: string[] = [];
  const old = releaseStageLines((line) => classic.push(line));
  for (const line of [
    'Step 4/7 : RUN ["/paas/buildpack/bin/compile"]',
    ' ---> Using cache',
    'Step 7/7 : RUN ["/paas/buildpack/bin/prune","/app"]',
    '-----> Pruning devDependencies',
  ])
    old(line);
  t.deepEqual(classic, ['Step 7/7 : RUN ["/paas/buildpack/bin/prune","/app"]', '-----> Pruning devDependencies']);
});

test('a compiled app ships its /app on the stack alone, without its toolchain; tests keep the build stage', (t) => {
  const go = {
    buildpack: 'go',
    runtimeArgs: [],
    manifests: ['go.mod'],
    installDeps: true,
    prune: false,
    shipsAppOnly: true,
    path: ['/app/bin', '/usr/lib/go/bin'],
    env: {},
  };
  t.deepEqual(appDockerfile(go, 'deps', 'example-go', 'paas/stack:apps').trim().split('\n'), [
    'FROM deps AS test',
    'COPY ["app/","/app/"]',
    'ARG SOURCE_VERSION',
    'RUN ["/paas/buildpack/bin/compile","/app","/tmp/paas-cache","/tmp/paas-env"]',
    'CMD ["/bin/sh","-c","example-go"]',
    'FROM paas/stack:apps',
    'COPY --from=test /app /app',
    'ENV PATH=/app/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'WORKDIR /app',
    'CMD ["/bin/sh","-c","example-go"]',
  ]);
});

test('the dependency image changes with the manifests and the runtime, not with anything else', (t) => {
  const a = depsImageRef('shop', 'sha256:r1', [{ name: 'package.json', content: Buffer.from('{"a":1}') }]);
  t.regex(a, /^paas\/app\/shop:deps-[0-9a-f]{16}$/);
  t.is(depsImageRef('shop', 'sha256:r1', [{ name: 'package.json', content: Buffer.from('{"a":1}') }]), a);
  t.not(depsImageRef('shop', 'sha256:r1', [{ name: 'package.json', content: Buffer.from('{"a":2}') }]), a);
  t.not(depsImageRef('shop', 'sha256:r2', [{ name: 'package.json', content: Buffer.from('{"a":1}') }]), a);
});

test('bin/release YAML gives default process types; .buildpacks names a bundled buildpack', (t) => {
  t.deepEqual(defaultProcessTypes({ default_process_types: { web: 'npm start', bad: 3 } }), { web: 'npm start' });
  t.deepEqual(defaultProcessTypes(null), {});
  t.deepEqual(buildpackOrder(undefined), ['null', 'node', 'python', 'go', 'static']);
  t.deepEqual(buildpackOrder('# mine\nhttps://github.com/heroku/heroku-buildpack-python.git\n'), ['python']);
  t.throws(() => buildpackOrder('https://example.com/other.git'), { message: /not a bundled buildpack/ });
});

test('a .env BUILDPACK_URL is found, however it is written', async (t) => {
  const { buildpackUrlOf } = await import('../../../src/build/detect-buildpack.js');
  t.is(buildpackUrlOf('A=1\nBUILDPACK_URL=https://github.com/heroku/heroku-buildpack-nodejs.git\n'), 'https://github.com/heroku/heroku-buildpack-nodejs.git');
  t.is(buildpackUrlOf('export BUILDPACK_URL="https://example.com/bp.tgz"'), 'https://example.com/bp.tgz');
  t.is(buildpackUrlOf('API_SECRET=x\n'), undefined);
  t.is(buildpackUrlOf(undefined), undefined);
});

test("Heroku's SOURCE_VERSION reaches a Dockerfile build only when it asks for it", (t) => {
  t.true(wantsSourceVersion('FROM x\nARG SOURCE_VERSION\nRUN echo $SOURCE_VERSION\n'));
  t.true(wantsSourceVersion('FROM x\n  arg SOURCE_VERSION=dev\n'));
  t.false(wantsSourceVersion('FROM x\nARG SOURCE_VERSION_X\n'));
  t.false(wantsSourceVersion('FROM x\nRUN echo SOURCE_VERSION\n'));
});
