import test from 'ava';
import { MetricsHistory, sampleOf, uptime, formatMemory } from '../../../src/release/replica-metrics.js';
import { processViews } from '../../../src/release/process-view.js';
import type Docker from 'dockerode';

const raw = {
  cpuTotal: 3e8,
  preCpuTotal: 1e8,
  system: 4e9,
  preSystem: 2e9,
  onlineCpus: 2,
  memoryUsage: 80e6,
  memoryCache: 30e6,
  memoryLimit: 512 * 2 ** 20,
  restarts: 1,
  startedAt: '2026-12-02T10:00:00.000Z',
};

test('CPU as docker stats computes it, memory without the page cache', (t) => {
  const sample = sampleOf(raw, new Date('2026-12-02T10:05:00.000Z'));
  t.is(sample.cpuPercent, 20, '0.2 s of CPU in 2 s of both CPUs: 20% of one');
  t.is(sample.memoryBytes, 50e6);
  t.is(sample.memoryLimit, 512 * 2 ** 20);
  t.is(sampleOf({ ...raw, preCpuTotal: 0, preSystem: 0, system: 0 }, new Date()).cpuPercent, 0, 'a first reading with nothing to compare is 0, not NaN');
});

test('the history keeps the last hour per replica and forgets replicas that are gone', (t) => {
  const history = new MetricsHistory(3);
  for (let i = 0; i < 5; i++) history.add('c1', 'shop', { ...sampleOf(raw, new Date(i * 10_000)), restarts: i });
  history.add('c2', 'blog', sampleOf(raw, new Date()));
  t.deepEqual(
    history.ofApp('shop').c1!.map((s) => s.restarts),
    [2, 3, 4],
  );
  t.deepEqual(Object.keys(history.ofApp('blog')), ['c2']);
  history.keepOnly(new Set(['c2']));
  t.is(history.latest('c1'), undefined);
});

test('ps shows the last sample of running replicas; uptime reads like ps', (t) => {
  const container = (id: string, state: string) =>
    ({
      Id: id,
      Names: [`/paas.shop.web.v3.${id}`],
      State: state,
      Status: 'Up',
      Labels: { 'paas.release': '3', 'paas.process': 'web', 'paas.replica': id },
    }) as unknown as Docker.ContainerInfo;
  const history = new MetricsHistory();
  history.add('1', 'shop', sampleOf(raw, new Date()));
  history.add('2', 'shop', sampleOf(raw, new Date()));
  const views = processViews([container('1', 'running'), container('2', 'exited')], (id) => history.latest(id), new Date('2026-12-02T10:05:00.000Z'));
  t.like(views[0], { cpuPercent: 20, memoryBytes: 50e6, restarts: 1, uptime: '5m' });
  t.is(views[1]!.cpuPercent, undefined, 'a stopped replica shows no use');
  t.is(uptime('2026-12-02T10:00:00.000Z', new Date('2026-12-02T10:00:42.000Z')), '42s');
  t.is(uptime('2026-11-29T10:00:00.000Z', new Date('2026-12-02T10:00:00.000Z')), '3d');
});

test("the workers' readings and this engine's are forgotten each by their own source", (t) => {
  const history = new MetricsHistory();
  const at = (iso: string) => ({ at: iso, cpuPercent: 1, memoryBytes: 1, memoryLimit: 0, restarts: 0, startedAt: iso });
  history.add('local', 'shop', at('2026-12-03T08:00:00.000Z'));
  history.add('remote', 'shop', at('2026-12-03T08:00:00.000Z'), 'nodes');
  history.add('fresh', 'shop', at('2026-12-03T08:01:00.000Z'), 'nodes');
  history.keepOnly(new Set());
  t.is(history.latest('local'), undefined);
  t.truthy(history.latest('remote'));
  history.forgetSilentSince(new Date('2026-12-03T08:00:30.000Z'), 'nodes');
  t.deepEqual(Object.keys(history.ofApp('shop')), ['fresh']);
});

test('memory reads the same in ps as in the dashboard and as it was set: 512m is 512 MB', (t) => {
  t.is(formatMemory(512 * 1024 * 1024), '512 MB');
  t.is(formatMemory(1.5 * 1024 * 1024 * 1024), '1.5 GB');
  t.is(formatMemory(34 * 1024 * 1024 + 300 * 1024), '34 MB');
  t.is(formatMemory(900), '900 B');
});
