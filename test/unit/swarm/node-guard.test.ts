import test from 'ava';
import { NODE_GUARD_SCRIPT, nodeGuardSpec } from '../../../src/swarm/node-guard.js';

const guard = { pool: '10.231.0.0/16', manager: '172.17.0.1', routerPorts: [80, 443] };

test("the node guard runs once on every worker, on the host's network, with what it needs to set the firewall and no more", (t) => {
  const spec = nodeGuardSpec('172.17.0.1:5000/paas/node-guard:1', guard) as {
    Mode: unknown;
    TaskTemplate: { ContainerSpec: { Env: string[]; CapabilityAdd: string[]; Command: string[] }; Networks: unknown; Placement: unknown };
  };
  t.deepEqual(spec.Mode, { Global: {} });
  t.deepEqual(spec.TaskTemplate.Placement, { Constraints: ['node.role==worker'] });
  t.deepEqual(spec.TaskTemplate.Networks, [{ Target: 'host' }]);
  t.deepEqual(spec.TaskTemplate.ContainerSpec.CapabilityAdd, ['CAP_NET_ADMIN', 'CAP_NET_RAW']);
  t.deepEqual(spec.TaskTemplate.ContainerSpec.Env, ['POOL=10.231.0.0/16', 'MANAGER=172.17.0.1', 'ROUTER_PORTS=80,443', 'EGRESS=docker_gwbridge']);
  t.is(spec.TaskTemplate.ContainerSpec.Command.at(-1), NODE_GUARD_SCRIPT);
});

test('the values the guard gets are checked, and its script only ever uses them quoted', (t) => {
  t.throws(() => nodeGuardSpec('img', { ...guard, pool: '10.231.0.0/16; reboot' }), { message: /not a network/ });
  t.throws(() => nodeGuardSpec('img', { ...guard, manager: 'manager.local' }), { message: /not an address/ });
  t.throws(() => nodeGuardSpec('img', { ...guard, routerPorts: [80, 0] }), { message: /not ports/ });
  for (const name of ['POOL', 'MANAGER', 'ROUTER_PORTS', 'EGRESS']) t.notRegex(NODE_GUARD_SCRIPT, new RegExp(`[^"]\\$${name}`));
});
