import test from 'ava';
import { forBuiltinFrontend } from '../../../src/build/dockerfile-compat.js';
import { buildkitMessage } from '../../../src/build/engine-build.js';

const none = () => false;

test('a # syntax= line whose frontend the host lacks is dropped and said; one the host has stays', (t) => {
  const text = '# syntax=docker/dockerfile:1\nFROM debian:bookworm-slim\n';
  t.deepEqual(forBuiltinFrontend(text, 'shop', none), { dockerfile: 'FROM debian:bookworm-slim\n', files: [], droppedSyntax: 'docker/dockerfile:1' });
  t.is(forBuiltinFrontend(text, 'shop', () => true).dockerfile, text);
});

test('RUN heredocs become the same shell text in exec form; a bare one runs its body as a script', (t) => {
  const text = ['FROM debian', 'RUN <<EOF', 'set -e', 'echo "$HOME"', 'EOF', 'RUN python3 <<-PY > /out', '\tprint(1)', 'PY', 'CMD ["x"]'].join('\n');
  const lines = forBuiltinFrontend(text, 'shop', none).dockerfile.split('\n');
  t.is(lines.length, 4);
  const bare = JSON.parse(lines[1]!.slice('RUN '.length)) as string[];
  t.deepEqual(bare.slice(0, 2), ['/bin/sh', '-c']);
  t.deepEqual(bare.slice(3), ['paas-heredoc', 'set -e\necho "$HOME"']);
  t.deepEqual(JSON.parse(lines[2]!.slice('RUN '.length)), ['/bin/sh', '-c', 'python3 <<-PY > /out\nprint(1)\nPY']);
  t.is(lines[3], 'CMD ["x"]');
});

test('the stage’s SHELL runs a heredoc; a new stage goes back to /bin/sh', (t) => {
  const text = ['FROM a', 'SHELL ["/bin/bash", "-eo", "pipefail", "-c"]', 'RUN cat <<E', 'x', 'E', 'FROM b', 'RUN cat <<E', 'y', 'E'].join('\n');
  const lines = forBuiltinFrontend(text, 'shop', none).dockerfile.split('\n');
  t.deepEqual(JSON.parse(lines[2]!.slice(4)), ['/bin/bash', '-eo', 'pipefail', '-c', 'cat <<E\nx\nE']);
  t.deepEqual(JSON.parse(lines[4]!.slice(4)), ['/bin/sh', '-c', 'cat <<E\ny\nE']);
});

test('COPY heredocs become files of the context; --link is dropped; other flags stay', (t) => {
  const text = ['FROM a', 'COPY --chmod=755 <<EOF /usr/local/bin/hello', '#!/bin/sh', 'echo hi', 'EOF', 'COPY --link --from=build /app /app'].join('\n');
  const result = forBuiltinFrontend(text, 'shop', none);
  t.deepEqual(result.dockerfile.split('\n'), ['FROM a', 'COPY --chmod=755 .paas-heredoc/0/EOF /usr/local/bin/hello', 'COPY --from=build /app /app']);
  t.deepEqual(result.files, [{ name: '.paas-heredoc/0/EOF', content: '#!/bin/sh\necho hi\n' }]);
});

test('cache mounts are the app’s own (BuildKit shares them by id across every build on the engine)', (t) => {
  const text =
    'FROM a\nRUN --mount=type=cache,target=/root/.npm npm ci\nRUN --mount=type=cache,id=go,target=/go/pkg go build\nRUN --mount=type=bind,source=x,target=/x true';
  t.deepEqual(forBuiltinFrontend(text, 'shop', none).dockerfile.split('\n').slice(1), [
    'RUN --mount=type=cache,target=/root/.npm,id=paas-app/shop//root/.npm npm ci',
    'RUN --mount=type=cache,target=/go/pkg,id=paas-app/shop/go go build',
    'RUN --mount=type=bind,source=x,target=/x true',
  ]);
  const other = forBuiltinFrontend(text, 'other', none).dockerfile;
  t.notRegex(other, /paas-app\/shop/);
  // Names with hyphens never meet: app "a" with id "b-c" and app "a-b" with id "c".
  const idOf = (app: string, id: string) =>
    /id=([^ ,]+)/.exec(forBuiltinFrontend(`FROM a\nRUN --mount=type=cache,id=${id},target=/x true`, app, none).dockerfile)![1];
  t.not(idOf('a', 'b-c'), idOf('a-b', 'c'));
});

test('secret and ssh mounts are refused in one line saying what to do instead', (t) => {
  t.throws(() => forBuiltinFrontend('FROM a\nRUN --mount=type=secret,id=npmrc npm ci', 'shop', none), {
    message: /^the Dockerfile uses RUN --mount=type=secret, but a push carries no build secrets: pass what it needs as a build argument/,
  });
});

test('an unclosed heredoc names its line', (t) => {
  t.throws(() => forBuiltinFrontend('FROM a\nRUN <<EOF\necho', 'shop', none), { message: 'Dockerfile line 2: the heredoc EOF is never closed' });
});

test('BuildKit’s failures read as one line: the failed step and its code, or the Dockerfile’s error', (t) => {
  t.is(
    buildkitMessage(
      'failed to solve with frontend dockerfile.v0: failed to build LLB: executor failed running [/bin/sh -c echo compiling && exit 7]: exit code: 7',
    ),
    'the step `echo compiling && exit 7` exited with code 7',
  );
  t.is(
    buildkitMessage('failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 5: Unknown flag: nope'),
    'dockerfile parse error line 5: Unknown flag: nope',
  );
});
