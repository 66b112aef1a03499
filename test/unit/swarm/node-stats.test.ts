import test from 'ava';
import { NODE_STATS_SCRIPT, nodeStatsSpec, parseStatsLine, replicaContainers } from '../../../src/swarm/node-stats.js';
import type { SwarmService, SwarmTask } from '../../../src/swarm/service-spec.js';

const ID = 'ab'.repeat(32);
const STATS = {
  cpu_stats: { cpu_usage: { total_usage: 3_000_000 }, system_cpu_usage: 20_000_000, online_cpus: 2 },
  precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 10_000_000 },
  memory_stats: { usage: 50_000_000, limit: 512_000_000, stats: { inactive_file: 10_000_000 } },
};

test("the stats agent runs once on every worker, on the host's network (it listens on nothing), with no capability and the engine socket only", (t) => {
  const spec = nodeStatsSpec('172.17.0.1:5000/paas/node-guard:1', 10) as {
    Mode: unknown;
    TaskTemplate: {
      ContainerSpec: { Env: string[]; Command: string[]; Mounts: unknown[]; CapabilityDrop: string[] };
      Networks: unknown;
      Placement: unknown;
      LogDriver: unknown;
    };
  };
  t.deepEqual(spec.Mode, { Global: {} });
  t.deepEqual(spec.TaskTemplate.Placement, { Constraints: ['node.role==worker'] });
  t.deepEqual(spec.TaskTemplate.Networks, [{ Target: 'host' }]);
  t.deepEqual(spec.TaskTemplate.ContainerSpec.CapabilityDrop, ['ALL']);
  t.deepEqual(spec.TaskTemplate.ContainerSpec.Mounts, [{ Type: 'bind', Source: '/var/run/docker.sock', Target: '/var/run/docker.sock', ReadOnly: true }]);
  t.deepEqual(spec.TaskTemplate.ContainerSpec.Env, ['INTERVAL=10']);
  // It prints a reading per replica every interval: the node keeps only the last 2 MB of that.
  t.deepEqual(spec.TaskTemplate.LogDriver, { Name: 'json-file', Options: { 'max-size': '1m', 'max-file': '2' } });
  t.is(spec.TaskTemplate.ContainerSpec.Command.at(-1), NODE_STATS_SCRIPT);
  t.throws(() => nodeStatsSpec('img', 1.5), { message: /not an interval/ });
  // A container id is used only once it matched 64 hex digits; the app's environment (in inspect) is never printed.
  t.regex(NODE_STATS_SCRIPT, /\[0-9a-f\]\\\{64\\\}/);
  t.notRegex(NODE_STATS_SCRIPT, /printf[^\n]*\$\(api "\/containers\/\$id\/json"/);
});

test("an agent's line is a container's reading, computed as docker stats does; anything else is no reading", (t) => {
  const reading = parseStatsLine(`paas-stats ${ID} 2026-12-03T08:00:00.5Z ${JSON.stringify(STATS)}`);
  t.is(reading?.container, ID);
  t.like(reading?.raw, {
    cpuTotal: 3_000_000,
    preCpuTotal: 1_000_000,
    onlineCpus: 2,
    memoryUsage: 50_000_000,
    memoryCache: 10_000_000,
    memoryLimit: 512_000_000,
  });
  t.is(reading?.raw.startedAt, '2026-12-03T08:00:00.5Z');
  t.is(parseStatsLine(`paas-stats ${ID.slice(2)} x ${JSON.stringify(STATS)}`), undefined);
  t.is(parseStatsLine(`paas-stats ${ID} x {"cpu_stats": `), undefined);
  t.is(parseStatsLine('hello'), undefined);
});

test("readings count only for a running task's container of an app's replica, under the app the manager knows", (t) => {
  const services: SwarmService[] = [
    { ID: 's1', Spec: { Labels: { 'paas.app': 'shop', 'paas.replica': '1', 'paas.process': 'web' } } },
    { ID: 's2', Spec: { Labels: { 'paas.managed': 'true', 'paas.role': 'node-stats' } } },
  ];
  const tasks: SwarmTask[] = [
    { ID: 't1', ServiceID: 's1', Status: { State: 'running', ContainerStatus: { ContainerID: 'c1' } } },
    { ID: 't0', ServiceID: 's1', Status: { State: 'shutdown', ContainerStatus: { ContainerID: 'c0' } } },
    { ID: 't2', ServiceID: 's2', Status: { State: 'running', ContainerStatus: { ContainerID: 'c2' } } },
  ];
  t.deepEqual([...replicaContainers(services, tasks)], [['c1', 'shop']]);
});
