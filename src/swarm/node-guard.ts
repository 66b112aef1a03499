// Under Swarm, the host firewall on the worker nodes. The daemon closes the manager to the apps (host/firewall.ts)
// but runs nowhere else; on a worker, an app's task could reach that node's own ports (its SSH, a Docker API on TCP)
// through the engine's docker_gwbridge, and the manager's ports (the SSH gateway, the registry) through the node's
// address. The node guard is a global service on the workers, on the host's network with NET_ADMIN, that adds the
// same rules there and then sleeps: what tasks send to the node is dropped but for answers, what they send to the
// manager is dropped but for the router's ports, and what they send to another node is dropped (the manager drops
// that too: host/firewall.ts). Rules stay when the guard stops, as the manager's do.
import type { DockerClient } from '../docker/client.js';
import { LABEL } from '../docker/names.js';
import { SWARM_EGRESS_BRIDGE } from '../host/firewall.js';
import { PaasError } from '../errors.js';
import { ensureNodeService } from './node-service.js';
import type { RegistryAccess } from './registry-server.js';

export const NODE_GUARD_NAME = 'paas-node-guard';

/**
 * What the guard runs. Fixed text: the pool, the manager's address and the router's ports come in its environment,
 * checked by `nodeGuardSpec`, and are only ever quoted arguments. Each rule is added only when missing.
 */
export const NODE_GUARD_SCRIPT = [
  'set -e',
  'ipt() { iptables -w "$@"; }',
  'ipt -N PAAS-APPS 2>/dev/null || true',
  'ipt -C PAAS-APPS -j DROP 2>/dev/null || ipt -A PAAS-APPS -j DROP',
  'ipt -C PAAS-APPS -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN 2>/dev/null || ipt -I PAAS-APPS 1 -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
  'ipt -C INPUT -s "$POOL" -j PAAS-APPS 2>/dev/null || ipt -I INPUT 1 -s "$POOL" -j PAAS-APPS',
  'ipt -C INPUT -i "$EGRESS" -j PAAS-APPS 2>/dev/null || ipt -I INPUT 1 -i "$EGRESS" -j PAAS-APPS',
  'ipt -N PAAS-TO-MANAGER 2>/dev/null || ipt -F PAAS-TO-MANAGER',
  'ipt -A PAAS-TO-MANAGER -p tcp -m multiport --dports "$ROUTER_PORTS" -j RETURN',
  'ipt -A PAAS-TO-MANAGER -j DROP',
  // Docker's chain for rules of one's own, ahead of its own forwarding rules; FORWARD where Docker manages none.
  'chain=DOCKER-USER; ipt -n -L DOCKER-USER >/dev/null 2>&1 || chain=FORWARD',
  'ipt -C "$chain" -i "$EGRESS" -d "$MANAGER" -j PAAS-TO-MANAGER 2>/dev/null || ipt -I "$chain" 1 -i "$EGRESS" -d "$MANAGER" -j PAAS-TO-MANAGER',
  // The other nodes: nothing of theirs is the apps' to reach either (their own guard sees the traffic as coming
  // from this node's address, after masquerading, so it must stop here).
  'ipt -N PAAS-TO-NODES 2>/dev/null || ipt -F PAAS-TO-NODES',
  'echo "$NODES" | tr , "\\n" | while read -r address; do if [ -n "$address" ]; then ipt -A PAAS-TO-NODES -d "$address" -j DROP; fi; done',
  'ipt -C "$chain" -i "$EGRESS" -j PAAS-TO-NODES 2>/dev/null || ipt -I "$chain" 1 -i "$EGRESS" -j PAAS-TO-NODES',
  'echo "paas node guard: rules in place"',
  'exec sleep infinity',
].join('\n');

export interface GuardSettings {
  /** The app network pool. */
  pool: string;
  /** The manager's address, and the ports of its router (the only ones apps may reach there). */
  manager: string;
  routerPorts: number[];
  /** The other nodes' addresses, which apps may not reach at all. */
  nodes: string[];
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Pure: the addresses of the cluster's nodes but the manager's, as the guard and the manager's firewall want them. */
export function otherNodeAddresses(nodes: { Status?: { Addr?: string } }[], manager: string): string[] {
  const addresses = nodes.map((n) => n.Status?.Addr ?? '').filter((a) => IPV4.test(a) && a !== manager && a !== '0.0.0.0');
  return [...new Set(addresses)].sort();
}

/** Pure: the guard's service spec; throws on a value that is not what its name says. */
export function nodeGuardSpec(image: string, guard: GuardSettings): Record<string, unknown> {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(guard.pool)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `not a network: ${guard.pool}`);
  for (const address of [guard.manager, ...guard.nodes]) if (!IPV4.test(address)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `not an address: ${address}`);
  if (guard.routerPorts.length === 0 || !guard.routerPorts.every((p) => Number.isInteger(p) && p > 0 && p < 65536))
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `not ports: ${guard.routerPorts.join(',')}`);
  return {
    Name: NODE_GUARD_NAME,
    Labels: { [LABEL.managed]: 'true', [LABEL.role]: 'node-guard' },
    Mode: { Global: {} },
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        Command: ['/bin/sh', '-c', NODE_GUARD_SCRIPT],
        Env: [
          `POOL=${guard.pool}`,
          `MANAGER=${guard.manager}`,
          `ROUTER_PORTS=${guard.routerPorts.join(',')}`,
          `NODES=${guard.nodes.join(',')}`,
          `EGRESS=${SWARM_EGRESS_BRIDGE}`,
        ],
        Labels: { [LABEL.managed]: 'true', [LABEL.role]: 'node-guard' },
        CapabilityAdd: ['CAP_NET_ADMIN', 'CAP_NET_RAW'],
      },
      Networks: [{ Target: 'host' }],
      Placement: { Constraints: ['node.role==worker'] },
      RestartPolicy: { Condition: 'any', Delay: 5e9 },
      Resources: { Limits: { MemoryBytes: 32 * 1024 * 1024 } },
    },
  };
}

/** Creates the guard on the workers, or updates it when its settings changed. */
export function ensureNodeGuard(docker: DockerClient, access: RegistryAccess, guard: GuardSettings): Promise<void> {
  return ensureNodeService(docker, access, NODE_GUARD_NAME, (image) => nodeGuardSpec(image, guard));
}
