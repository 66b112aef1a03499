import test from 'ava';
import { NODE_GUARD_SCRIPT, nodeGuardSpec, otherNodeAddresses } from '../../../src/swarm/node-guard.js';

const guard = { pool: '10.231.0.0/16', manager: '172.17.0.1', routerPorts: [80, 443], nodes: ['172.17.0.2', '172.17.0.3'] };

test("the node guard runs once on every worker, on the host's network, with what it needs to set the firewall and no more", (t) => {
  const spec = nodeGuardSpec('172.17.0.1:5000/paas/node-guard:1', guard) as {
    Mode: unknown;
    TaskTemplate: { ContainerSpec: { Env: string[]; CapabilityAdd: string[]; Command: string[] }; Networks: unknown; Placement: unknown };
  };
  t.deepEqual(spec.Mode, { Global: {} });
  t.deepEqual(spec.TaskTemplate.Placement, { Constraints: ['node.role==worker'] });
  t.deepEqual(spec.TaskTemplate.Networks, [{ Target: 'host' }]);
  t.deepEqual(spec.TaskTemplate.ContainerSpec.CapabilityAdd, ['CAP_NET_ADMIN', 'CAP_NET_RAW']);
  t.deepEqual(spec.TaskTemplate.ContainerSpec.Env, [
    'POOL=10.231.0.0/16',
    'MANAGER=172.17.0.1',
    'ROUTER_PORTS=80,443',
    'NODES=172.17.0.2,172.17.0.3',
    'EGRESS=docker_gwbridge',
  ]);
  t.is(spec.TaskTemplate.ContainerSpec.Command.at(-1), NODE_GUARD_SCRIPT);
});

test('the values the guard gets are checked, and its script only ever uses them quoted', (t) => {
  t.throws(() => nodeGuardSpec('img', { ...guard, pool: '10.231.0.0/16; reboot' }), { message: /not a network/ });
  t.throws(() => nodeGuardSpec('img', { ...guard, manager: 'manager.local' }), { message: /not an address/ });
  t.throws(() => nodeGuardSpec('img', { ...guard, routerPorts: [80, 0] }), { message: /not ports/ });
  t.throws(() => nodeGuardSpec('img', { ...guard, nodes: ['172.17.0.2', '$(reboot)'] }), { message: /not an address/ });
  for (const name of ['POOL', 'MANAGER', 'ROUTER_PORTS', 'NODES', 'EGRESS']) t.notRegex(NODE_GUARD_SCRIPT, new RegExp(`[^"]\\$${name}`));
});

test("the nodes apps may not reach are every node's address but the manager's (whose router they may)", (t) => {
  const nodes = [
    { Status: { Addr: '172.17.0.1' } },
    { Status: { Addr: '172.17.0.3' } },
    { Status: { Addr: '172.17.0.2' } },
    { Status: { Addr: '0.0.0.0' } },
    { Status: {} },
    { Status: { Addr: '172.17.0.2' } },
  ];
  t.deepEqual(otherNodeAddresses(nodes, '172.17.0.1'), ['172.17.0.2', '172.17.0.3']);
});
