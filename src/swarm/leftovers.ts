// Nothing of one mode haunts another: a daemon that starts with the local scheduler on an engine that is in no
// swarm removes what an earlier Swarm run left behind (the overlay gateway, its bridge, the host's routes through
// it, the nodes firewall chain). While the engine is in a swarm they may serve another daemon: left alone.
import type { DockerClient } from '../docker/client.js';
import { isNotFound } from '../docker/client.js';
import { removeRoutesVia } from '../host/routes.js';
import { removeNodesChain } from '../host/firewall.js';
import { GATEWAY_NAME, gatewayAddresses } from './overlay-gateway.js';

/** What was removed, for the daemon's log; empty when nothing was left. */
export async function removeSwarmLeftovers(docker: DockerClient): Promise<string[]> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string } };
  if (info.Swarm?.LocalNodeState === 'active') return [];
  const removed: string[] = [];
  const bridge = (await docker
    .getNetwork(GATEWAY_NAME)
    .inspect()
    .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)))) as { IPAM?: { Config?: { Subnet?: string }[] } } | undefined;
  const container = await docker
    .getContainer(GATEWAY_NAME)
    .remove({ force: true })
    .then(
      () => true,
      (err: unknown) => (isNotFound(err) ? false : Promise.reject(err)),
    );
  if (container) removed.push(`container ${GATEWAY_NAME}`);
  const subnet = bridge?.IPAM?.Config?.[0]?.Subnet;
  if (subnet) {
    for (const dst of await removeRoutesVia(gatewayAddresses(subnet).gateway)) removed.push(`route ${dst}`);
  }
  if (bridge) {
    await docker.getNetwork(GATEWAY_NAME).remove();
    removed.push(`network ${GATEWAY_NAME}`);
  }
  if (await removeNodesChain()) removed.push('firewall chain PAAS-TO-NODES');
  return removed;
}
