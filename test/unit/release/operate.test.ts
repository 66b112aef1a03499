import test from 'ava';
import { checkResourcesRequest, formatResources, parseMemory } from '../../../src/input/resources.js';
import { parseMountSpec } from '../../../src/input/mount-spec.js';
import { containerSpec, runtimeHostConfig } from '../../../src/docker/container-spec.js';
import { restartPlan } from '../../../src/release/swap-plan.js';
import type { Replica } from '../../../src/ports/scheduler.js';
import { formatRouterLine, historyWanted, wanted, checkLogsRequest } from '../../../src/release/app-logs.js';
import { printedLine as formatLogLine, sourceOf } from '../../../src/docker/logs.js';
import { checkRunCommand, oneOffSpec } from '../../../src/release/one-off.js';
import { emptySpec } from '../../../src/store/releases.js';

test('memory sizes as users write them; too small or nonsense is refused', (t) => {
  t.is(parseMemory('512m'), 512 * 1024 * 1024);
  t.is(parseMemory('1g'), 1024 ** 3);
  t.is(parseMemory('1.5GB'), 1.5 * 1024 ** 3);
  t.is(parseMemory('67108864'), 64 * 1024 * 1024);
  for (const bad of ['1k', 'lots', '-5m', '']) t.throws(() => parseMemory(bad), { message: /invalid memory/ }, bad);
});

test('resources:set merges per process type; "none" removes a limit', (t) => {
  const one = checkResourcesRequest({}, { process: 'web', memory: '256m', cpus: '0.5' });
  t.deepEqual(one, { web: { memory: 256 * 1024 * 1024, cpus: 0.5 } });
  const two = checkResourcesRequest(one, { process: 'web', memory: 'none' });
  t.deepEqual(two, { web: { cpus: 0.5 } });
  t.deepEqual(checkResourcesRequest(two, { process: 'web', cpus: 'none' }), {});
  t.throws(() => checkResourcesRequest({}, { process: 'web', cpus: '0' }), { message: /invalid cpus/ });
  t.throws(() => checkResourcesRequest({}, { process: 'Web;rm', cpus: '1' }), { message: /invalid process type/ });
  t.deepEqual(formatResources({ memory: 64 * 1024 * 1024, cpus: 0.5 }), ['64mb', '0.5']);
});

test('limits and volumes become the container host config', (t) => {
  const spec = containerSpec({
    app: 'shop',
    process: 'web',
    version: 3,
    index: 2,
    image: 'img',
    port: 5000,
    mounts: [{ volume: 'paas-shop-data', path: '/data' }],
    limits: { memory: 1 << 26, cpus: 0.25 },
  });
  t.deepEqual(spec.HostConfig?.Mounts, [{ Type: 'volume', Source: 'paas-shop-data', Target: '/data' }]);
  t.is(spec.HostConfig?.Memory, 1 << 26);
  t.is(spec.HostConfig?.MemorySwap, 1 << 26, 'no swap beyond the limit');
  t.is(spec.HostConfig?.NanoCpus, 250_000_000);
  t.is(spec.Labels?.['paas.replica'], '2');
  t.like(runtimeHostConfig('shop', {}), { NetworkMode: 'paas.shop', SecurityOpt: ['no-new-privileges'], Init: true });
  t.is(runtimeHostConfig('shop', {}).Memory, undefined, 'no limit given, none set');
});

test('mounts are NAME:/absolute/path outside system directories', (t) => {
  t.deepEqual(parseMountSpec('data:/data'), { name: 'data', path: '/data' });
  t.deepEqual(parseMountSpec('up-loads:/app/uploads/'), { name: 'up-loads', path: '/app/uploads' });
  for (const bad of ['data', 'data:relative', 'Data:/x', 'data:/', 'data:/etc', 'data:/usr/lib', 'data:/a/../etc', '../x:/data', 'd:/a,b']) {
    t.is((t.throws(() => parseMountSpec(bad)) as { code?: string }).code, 'PAAS_ERR_INVALID_INPUT', bad);
  }
});

test('a restart goes through every replica of the formation, each replacing the one that exists', (t) => {
  const r = (id: string, process: string, index: number, release = 3): Replica => ({
    id,
    name: id,
    app: 'shop',
    process,
    index,
    release,
    ip: '',
    port: 5000,
    state: 'running',
  });
  const release = { app: 'shop', version: 3, imageId: 'img', spec: { ...emptySpec(), formation: { web: 2, worker: 1 } } };
  const plan = restartPlan(release, [r('w1', 'web', 1), r('k1', 'worker', 1), r('old', 'web', 2, 2)], () => ({}), 1.5);
  t.deepEqual(
    plan.steps.map((s) => `${s.start[0]!.process}.${s.start[0]!.index}:${s.old.map((o) => o.id).join() || 'new'}`),
    ['web.1:w1', 'web.2:new', 'worker.1:k1'],
  );
  t.true(
    plan.steps.every((s) => s.routes === 'each' && s.start.length === 1),
    'one at a time, each routed in place of the one it replaces',
  );
  t.deepEqual(
    restartPlan(release, [], () => ({}), 1.5, 'worker').steps.map((s) => s.start[0]!.process),
    ['worker'],
  );
});

test('kept history: app lines by process type and source, deploy steps only when every source is asked for', (t) => {
  const app = '2026-11-22T10:00:00.000Z app[web.1]: started';
  const worker = '2026-11-22T10:00:00.000Z app[worker.1]: working';
  const deploy = '2026-11-22T10:00:01.000Z paas[deploy]: -----> Released v2';
  const all = { process: null, source: null } as const;
  t.deepEqual(
    [app, worker, deploy].filter((l) => historyWanted(l, all)),
    [app, worker, deploy],
  );
  t.deepEqual(
    [app, worker, deploy].filter((l) => historyWanted(l, { process: 'web', source: null })),
    [app],
  );
  t.deepEqual(
    [app, worker, deploy].filter((l) => historyWanted(l, { process: null, source: 'app' })),
    [app, worker],
  );
  t.deepEqual(
    [app, worker, deploy].filter((l) => historyWanted(l, { process: null, source: 'router' })),
    [],
  );
  t.false(historyWanted('garbage', all));
});

test('logs of one replica (--dyno web.1): its kept lines and its container, no other replica of its type', (t) => {
  const web1 = '2026-11-22T10:00:00.000Z app[web.1]: one';
  const web2 = '2026-11-22T10:00:00.000Z app[web.2]: two';
  const web10 = '2026-11-22T10:00:00.000Z app[web.10]: ten';
  t.deepEqual(
    [web1, web2, web10].filter((l) => historyWanted(l, { process: 'web.1', source: null })),
    [web1],
  );
  const labels = (replica: string) => ({ 'paas.app': 'shop', 'paas.release': '3', 'paas.process': 'web', 'paas.replica': replica });
  t.true(wanted(labels('1'), 'web.1'));
  t.false(wanted(labels('2'), 'web.1'));
  t.true(wanted(labels('2'), 'web'));
  t.like(checkLogsRequest({ process: 'web.1' }), { process: 'web.1' });
  t.throws(() => checkLogsRequest({ process: 'web.1.2' }), { message: /one replica such as web\.1/ });
});

test('log lines are marked with process and replica; tests and builds are left out', (t) => {
  const labels = { 'paas.app': 'shop', 'paas.release': '4', 'paas.process': 'web', 'paas.replica': '2' };
  t.is(sourceOf(labels), 'web.2');
  t.is(sourceOf({ 'paas.app': 'shop', 'paas.role': 'test', 'paas.ci-run': '7' }), 'test.7', 'a test run is never an app process');
  t.is(formatLogLine('web.2', { time: '2026-11-22T10:00:00.000000001Z', text: 'GET /' }), '2026-11-22T10:00:00.000000001Z app[web.2]: GET /');
  t.true(wanted(labels, null));
  t.true(wanted(labels, 'web'));
  t.false(wanted(labels, 'worker'));
  t.false(wanted({ 'paas.app': 'shop', 'paas.process': 'test' }, null));
  t.true(wanted({ 'paas.app': 'shop', 'paas.process': 'run', 'paas.one-off': 'true' }, null));
  t.false(wanted({ 'paas.app': 'shop', 'paas.process': 'run', 'paas.one-off': 'true', 'paas.tty': 'true' }, null), 'a terminal session is not a log');
  t.deepEqual(checkLogsRequest({ follow: true, tail: 5 }), { follow: true, process: null, tail: 5, source: null });
  t.throws(() => checkLogsRequest({ source: 'router', process: 'web' }), { message: /router lines have no process type/ });
  t.throws(() => checkLogsRequest({ source: 'db' }));
  t.throws(() => checkLogsRequest({ tail: -1 }));
  t.throws(() => checkLogsRequest({ process: '$(id)' }));
});

test('a one-off runs the release image with its config, exec form, labelled one-off', (t) => {
  const release = {
    app: 'shop',
    version: 7,
    imageId: 'sha256:abc',
    sha: 'x',
    status: 'active' as const,
    description: '',
    layers: [],
    error: null,
    createdAt: '',
    actor: null,
    spec: { ...emptySpec(), config: { A: 'b c' } },
  };
  const spec = oneOffSpec(release, ['sh', '-c', 'echo $A'], 4711, { mounts: [{ volume: 'v', path: '/data' }] });
  t.deepEqual(spec.Cmd, ['sh', '-c', 'echo $A']);
  t.deepEqual(spec.Env, ['A=b c', 'PORT=5000', 'DYNO=run.4711', 'PAAS_APP_NAME=shop', 'PAAS_RELEASE_VERSION=v7', 'PAAS_SLUG_COMMIT=x']);
  t.is(spec.name, 'paas.shop.run-4711');
  t.is(spec.Labels?.['paas.one-off'], 'true');
  t.is(spec.HostConfig?.Mounts?.[0]?.Target, '/data');
  t.throws(() => checkRunCommand([]));
  t.throws(() => checkRunCommand(['a\0b']));
});

test('a restart applies stored config only when it differs from what runs', async (t) => {
  const { sameConfig } = await import('../../../src/release/restart.js');
  t.true(sameConfig({ A: '1', B: '2' }, { B: '2', A: '1' }));
  t.false(sameConfig({ A: '1' }, { A: '1', B: '2' }));
  t.false(sameConfig({ A: '1' }, { A: '2' }));
  t.false(sameConfig({ A: '1' }, { B: '1' }));
});

test("router lines read like Heroku's heroku[router] lines; a request no replica took is an error line", (t) => {
  const request = {
    time: '2026-11-23T20:45:46.483Z',
    method: 'GET',
    path: '/a?b',
    host: 'shop.example.com',
    client: '10.0.0.9',
    status: 200,
    bytes: 224,
    totalMs: 3,
    replica: 'abc',
    retries: 0,
  };
  t.is(
    formatRouterLine(request, 'web.1'),
    '2026-11-23T20:45:46.483Z paas[router]: at=info method=GET path="/a?b" host=shop.example.com fwd="10.0.0.9" dyno=web.1 service=3ms status=200 bytes=224',
  );
  t.regex(
    formatRouterLine({ ...request, status: 503, replica: undefined, retries: 1 }, undefined),
    /at=error .* dyno=none service=3ms status=503 bytes=224 retries=1$/,
  );
  t.regex(
    formatRouterLine({ ...request, status: 502, ended: 'the app closed or refused the connection before the response headers were complete' }, 'web.1'),
    / status=502 bytes=224 desc="the app closed or refused the connection before the response headers were complete"$/,
  );
});
