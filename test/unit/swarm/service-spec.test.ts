import test from 'ava';
import { currentTask, replicaHealth, replicaOfService, serviceSpec, unplaceableReason, type SwarmTask } from '../../../src/swarm/service-spec.js';
import type { ProcessSpec } from '../../../src/ports/scheduler.js';

const spec: ProcessSpec = {
  app: 'shop',
  process: 'web',
  version: 3,
  index: 2,
  image: 'sha256:abc',
  port: 5000,
  command: 'node server.js',
  config: { GREETING: 'hi' },
  limits: { memory: 256 * 1024 * 1024, cpus: 0.5, pids: 100 },
  mounts: [{ volume: 'paas.shop.data', path: '/data' }],
};

const task = (over: Partial<SwarmTask> & { state: string; ip?: string; created?: string; exit?: number }): SwarmTask => ({
  ID: over.ID ?? `t-${over.state}-${over.created ?? ''}`,
  ServiceID: 's1',
  DesiredState: over.DesiredState ?? (['running', 'starting', 'preparing', 'pending'].includes(over.state) ? 'running' : 'shutdown'),
  CreatedAt: over.created ?? '2026-01-01T00:00:00Z',
  Status: { State: over.state, ContainerStatus: { ExitCode: over.exit ?? 0 } },
  NetworksAttachments: over.ip ? [{ Network: { Spec: { Name: 'paas-net-shop' } }, Addresses: [`${over.ip}/24`] }] : [],
});

/** The fields of a service spec read here. */
interface ReadSpec {
  Name: string;
  Mode: unknown;
  EndpointSpec: unknown;
  Labels: Record<string, string>;
  TaskTemplate: {
    Networks: unknown;
    Resources: { Limits: unknown };
    RestartPolicy: { Condition: string };
    ContainerSpec: {
      Image: string;
      Args: string[];
      Env: string[];
      Labels: Record<string, string>;
      Init: boolean;
      CapabilityDrop: string[];
      StopGracePeriod: number;
      Mounts: unknown;
    };
  };
}

test('a replica runs as a one-task service from the registry image, on its overlay, with no virtual IP', (t) => {
  const s = serviceSpec(spec, '10.0.0.1:5000/paas/app/shop:v3', 'paas-shop-web-v3-2-abc', 10) as unknown as ReadSpec;
  t.is(s.Name, 'paas-shop-web-v3-2-abc');
  t.deepEqual(s.Mode, { Replicated: { Replicas: 1 } });
  t.deepEqual(s.EndpointSpec, { Mode: 'dnsrr' });
  t.deepEqual(s.TaskTemplate.Networks, [{ Target: 'paas-net-shop' }]);
  const c = s.TaskTemplate.ContainerSpec;
  t.is(c.Image, '10.0.0.1:5000/paas/app/shop:v3');
  t.deepEqual(c.Args, ['/bin/sh', '-c', 'node server.js']);
  t.true(c.Env.includes('GREETING=hi') && c.Env.includes('PORT=5000') && c.Env.includes('DYNO=web.2'));
  t.like(c.Labels, { 'paas.app': 'shop', 'paas.release': '3', 'paas.process': 'web', 'paas.replica': '2', 'paas.port': '5000' });
  t.deepEqual(s.Labels, c.Labels);
  t.true(c.Init);
  t.true(c.CapabilityDrop.includes('CAP_NET_RAW'));
  t.is(c.StopGracePeriod, 10e9);
  t.deepEqual(c.Mounts, [{ Type: 'volume', Source: 'paas.shop.data', Target: '/data' }]);
  t.deepEqual(s.TaskTemplate.Resources.Limits, { MemoryBytes: 256 * 1024 * 1024, NanoCPUs: 5e8, Pids: 100 });
  t.is(s.TaskTemplate.RestartPolicy.Condition, 'any');
});

test('a service is read back as the replica of its labels, at its running task address', (t) => {
  const labels = serviceSpec(spec, 'img', 'n', 1).Labels!;
  const service = { ID: 's1', Spec: { Name: 'n', Labels: labels, Mode: { Replicated: { Replicas: 1 } } } };
  t.like(replicaOfService(service, [task({ state: 'running', ip: '10.231.5.7' })]), {
    id: 's1',
    app: 'shop',
    process: 'web',
    index: 2,
    release: 3,
    ip: '10.231.5.7',
    port: 5000,
    state: 'running',
  });
  t.like(replicaOfService(service, [task({ state: 'preparing' })]), { ip: '', state: 'restarting' });
  const paused = { ...service, Spec: { ...service.Spec, Mode: { Replicated: { Replicas: 0 } } } };
  t.like(replicaOfService(paused, []), { state: 'stopped' });
  t.is(replicaOfService({ ID: 'x', Spec: { Labels: { 'paas.app': 'shop' } } }, []), undefined);
});

test("a replica whose task ended is reported exited with the task's code, even after Swarm started another", (t) => {
  t.deepEqual(replicaHealth('shop', [task({ state: 'running', ip: '10.0.0.5' })], '10.0.0.5'), { running: true, exitCode: 0 });
  t.like(replicaHealth('shop', [task({ state: 'preparing' })], ''), { running: true, health: 'starting' });
  const crashed = [
    task({ state: 'failed', exit: 3, created: '2026-01-01T00:00:00Z', ip: '10.0.0.5' }),
    task({ state: 'running', created: '2026-01-01T00:00:05Z', ip: '10.0.0.9' }),
  ];
  t.deepEqual(replicaHealth('shop', crashed, '10.0.0.5'), { running: false, exitCode: 3 });
  // Asked about the new task's address (a heal adopting it), it runs.
  t.deepEqual(replicaHealth('shop', crashed, '10.0.0.9'), { running: true, exitCode: 0 });
  t.is(currentTask(crashed)?.Status?.State, 'running');
});

test('a replica with volumes is pinned to the node that has them; one without goes anywhere', (t) => {
  const pinned = serviceSpec(spec, 'img', 'n', 1, 'manager-id') as unknown as { TaskTemplate: { Placement?: { Constraints: string[] } } };
  t.deepEqual(pinned.TaskTemplate.Placement, { Constraints: ['node.id==manager-id'] });
  const free = serviceSpec({ ...spec, mounts: [] }, 'img', 'n', 1, 'manager-id') as unknown as { TaskTemplate: { Placement?: unknown } };
  t.is(free.TaskTemplate.Placement, undefined);
});

test("the app's placement narrows the nodes, beside the volumes' pin; a task no node can take is told apart from one still starting", (t) => {
  type Placed = { TaskTemplate: { Placement?: { Constraints: string[] } } };
  const placed = serviceSpec({ ...spec, placement: ['node.labels.zone==b'] }, 'img', 'n', 1, 'manager-id') as unknown as Placed;
  t.deepEqual(placed.TaskTemplate.Placement, { Constraints: ['node.labels.zone==b', 'node.id==manager-id'] });
  const anywhere = serviceSpec({ ...spec, mounts: [], placement: ['node.role!=manager'] }, 'img', 'n', 1) as unknown as Placed;
  t.deepEqual(anywhere.TaskTemplate.Placement, { Constraints: ['node.role!=manager'] });
  const pending = (err: string): SwarmTask => ({ ID: 't', ServiceID: 's', DesiredState: 'running', Status: { State: 'pending', Err: err } });
  t.is(
    unplaceableReason(pending('no suitable node (scheduling constraints not satisfied on 3 nodes)')),
    'no suitable node (scheduling constraints not satisfied on 3 nodes)',
  );
  t.is(unplaceableReason(pending('')), undefined);
  t.is(unplaceableReason({ ID: 't', ServiceID: 's', Status: { State: 'running' } }), undefined);
});
