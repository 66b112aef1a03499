import test from 'ava';
import { resolveTestCommand, testEnv } from '../../../src/verify/test-command.js';
import { testContainerSpec } from '../../../src/verify/test-commit.js';

test('the test command comes from app.json environments.test, then app.json scripts, then a real npm test', (t) => {
  const appJson = { environments: { test: { scripts: { test: 'make check' } } }, scripts: { test: 'other' } };
  t.is(resolveTestCommand({ appJson }, undefined), 'make check');
  t.is(resolveTestCommand({ appJson: { scripts: { test: 'pytest' } } }, 'python'), 'pytest');
  t.is(resolveTestCommand({ packageJson: { scripts: { test: 'ava' } } }, 'node'), 'npm test');
  t.is(
    resolveTestCommand({ packageJson: { scripts: { test: 'echo "Error: no test specified" && exit 1' } } }, 'node'),
    undefined,
    "npm's placeholder is no test",
  );
  t.is(resolveTestCommand({ packageJson: { scripts: { test: 'ava' } } }, undefined), undefined, 'npm test only for Node apps');
  t.is(resolveTestCommand({}, 'node'), undefined);
});

test('a run gets CI=true and only app.json environments.test.env', (t) => {
  t.deepEqual(testEnv({ appJson: { environments: { test: { env: { A: 'x y', N: 3, 'BAD KEY': 'no', O: { no: 1 } } } } } }), { CI: 'true', A: 'x y', N: '3' });
  t.deepEqual(testEnv({}), { CI: 'true' });
});

test('test containers have no network, limits and labels', (t) => {
  const spec = testContainerSpec({ app: 'shop', ref: 'refs/heads/x', sha: 'a'.repeat(40), imageId: 'sha256:i', files: {} }, 'npm test', { CI: 'true' }, 7);
  t.deepEqual(spec.Cmd, ['/bin/sh', '-c', 'npm test']);
  t.is(spec.HostConfig.NetworkMode, 'none');
  t.true(spec.HostConfig.Memory > 0 && spec.HostConfig.NanoCpus > 0);
  t.like(spec.Labels, { 'paas.app': 'shop', 'paas.role': 'test', 'paas.ci-run': '7' });
  t.deepEqual(spec.Env, ['CI=true']);
});
