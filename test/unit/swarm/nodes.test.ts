import test from 'ava';
import { findNode, nodeViews, type SwarmNode } from '../../../src/swarm/nodes.js';
import { replicaViews } from '../../../src/release/process-view.js';
import type { Replica } from '../../../src/ports/scheduler.js';

const nodes: SwarmNode[] = [
  {
    ID: 'n2',
    Spec: { Role: 'worker', Availability: 'active' },
    Description: { Hostname: 'web-2', Engine: { EngineVersion: '20.10' } },
    Status: { State: 'ready', Addr: '10.0.0.2' },
  },
  {
    ID: 'n1',
    Spec: { Role: 'manager', Availability: 'active' },
    Description: { Hostname: 'boss' },
    Status: { State: 'ready' },
    ManagerStatus: { Leader: true },
  },
  { ID: 'n3', Spec: { Role: 'worker', Availability: 'drain' }, Description: { Hostname: 'web-3' }, Status: { State: 'down' } },
];

const replica = (over: Partial<Replica>): Replica => ({
  id: 's',
  name: 'paas-shop-web-v1-1-abc',
  app: 'shop',
  process: 'web',
  index: 1,
  release: 1,
  ip: '10.231.0.5',
  port: 5000,
  state: 'running',
  ...over,
});

test('nodes are listed by hostname with their role, state, availability and running replicas', (t) => {
  const replicas = [replica({ node: 'n2' }), replica({ node: 'n2', index: 2 }), replica({ node: 'n1', state: 'restarting' })];
  const views = nodeViews(nodes, replicas);
  t.deepEqual(
    views.map((v) => [v.hostname, v.role, v.state, v.availability, v.replicas]),
    [
      ['boss', 'manager (leader)', 'ready', 'active', 0],
      ['web-2', 'worker', 'ready', 'active', 2],
      ['web-3', 'worker', 'down', 'drain', 0],
    ],
  );
});

test('a node is found by hostname or id, and a wrong name gets the names there are', (t) => {
  t.is(findNode(nodes, 'web-2').ID, 'n2');
  t.is(findNode(nodes, 'n3').ID, 'n3');
  t.throws(() => findNode(nodes, 'web-9'), { message: 'no node "web-9" (there are: web-2, boss, web-3)' });
});

test('ps under Swarm shows the node each replica runs on', (t) => {
  const views = replicaViews([replica({ index: 2, node: 'n3', state: 'restarting', ip: '' }), replica({ node: 'n2' })], new Map([['n2', 'web-2']]));
  t.deepEqual(
    views.map((v) => [v.process, v.replica, v.state, v.node, v.status]),
    [
      ['web', 1, 'running', 'web-2', 'up at 10.231.0.5'],
      ['web', 2, 'restarting', 'n3', 'restarting'],
    ],
  );
});

test("ps under Swarm shows each running replica's last sample, from its task's container", (t) => {
  const sample = { at: '2026-12-03T08:00:00.000Z', cpuPercent: 12.5, memoryBytes: 1000, memoryLimit: 0, restarts: 0, startedAt: '2026-12-03T07:58:00.000Z' };
  const views = replicaViews(
    [replica({ node: 'n2', container: 'c1' }), replica({ index: 2, node: 'n2', state: 'restarting', ip: '', container: 'c2' })],
    new Map([['n2', 'web-2']]),
    (id) => (id === 'c1' || id === 'c2' ? sample : undefined),
    new Date('2026-12-03T08:00:00.000Z'),
  );
  t.like(views[0], { cpuPercent: 12.5, memoryBytes: 1000, uptime: '2m' });
  t.is(views[1]!.cpuPercent, undefined, 'a replica that is not running shows no figures');
});
