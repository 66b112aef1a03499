// Nothing of one mode haunts another: what a Swarm run leaves on a host that then leaves the swarm (the overlay
// gateway, its bridge, a route through it, the nodes firewall chain) is removed by the next local daemon, and the
// app network pool never hands out a subnet the host already routes.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { docker, fixtureRepo, removeApps, startDaemon, uniqueName } from './_daemon.js';
import { freeSubnet } from '../../src/docker/subnets.js';
import { hostIpv4Ranges } from '../../src/host/addresses.js';
import { GATEWAY_NAME, gatewayAddresses } from '../../src/swarm/overlay-gateway.js';
import { NODES_CHAIN, SWARM_EGRESS_BRIDGE } from '../../src/host/firewall.js';

const POOL = '10.231.0.0/16';

async function usedRanges(): Promise<string[]> {
  const networks = await docker.listNetworks();
  return [...networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')), ...(await hostIpv4Ranges())];
}

const routeTo = (subnet: string) => execFileSync('ip', ['-j', 'route', 'show', subnet], { encoding: 'utf8' });

test('a local daemon removes what a Swarm run left, and gives no app a subnet the host routes', async (t) => {
  t.is(
    (((await docker.info()) as { Swarm?: { LocalNodeState?: string } }).Swarm?.LocalNodeState ?? 'inactive') === 'active',
    false,
    'the engine is in no swarm',
  );
  // The leftovers, as an earlier `--scheduler swarm` daemon leaves them once the engine has left the swarm.
  const bridgeSubnet = freeSubnet(POOL, await usedRanges(), 40)!;
  await docker.createNetwork({ Name: GATEWAY_NAME, Driver: 'bridge', Internal: true, IPAM: { Driver: 'default', Config: [{ Subnet: bridgeSubnet }] } });
  const { gateway } = gatewayAddresses(bridgeSubnet);
  const container = await docker.createContainer({
    name: GATEWAY_NAME,
    Image: 'paas/stack:bookworm',
    Cmd: ['sleep', 'infinity'],
    HostConfig: { NetworkMode: GATEWAY_NAME },
    NetworkingConfig: { EndpointsConfig: { [GATEWAY_NAME]: { IPAMConfig: { IPv4Address: gateway } } } },
  });
  await container.start();
  const overlaySubnet = freeSubnet(POOL, [...(await usedRanges()), bridgeSubnet], 41)!;
  execFileSync('ip', ['route', 'replace', overlaySubnet, 'via', gateway]);
  spawnSync('iptables', ['-w', '-N', NODES_CHAIN]);
  spawnSync('iptables', ['-w', '-I', 'DOCKER-USER', '1', '-i', SWARM_EGRESS_BRIDGE, '-j', NODES_CHAIN]);
  // Subnets the host reaches in a way of its own (not Docker's): the first free ones of the pool.
  const used = await usedRanges();
  const held = [0, 1, 2].map((i) => freeSubnet(POOL, [...used, overlaySubnet, bridgeSubnet], i)!);
  for (const subnet of held) execFileSync('ip', ['route', 'replace', 'blackhole', subnet]);
  const app = uniqueName('lo');
  const daemon = await startDaemon();
  try {
    t.regex(daemon.log(), /event=swarm\.leftovers\.removed/);
    t.is((await docker.listContainers({ all: true, filters: { name: [`^/${GATEWAY_NAME}$`] } })).length, 0, 'the gateway container is gone');
    t.is((await docker.listNetworks({ filters: { name: [GATEWAY_NAME] } })).filter((n) => n.Name === GATEWAY_NAME).length, 0, 'its bridge is gone');
    t.deepEqual(JSON.parse(routeTo(overlaySubnet)), [], 'the route through it is gone');
    t.not(spawnSync('iptables', ['-w', '-S', NODES_CHAIN]).status, 0, 'the nodes chain is gone');

    const pushed = await daemon.push(await fixtureRepo('dockerfile-hello'), app);
    t.is(pushed.code, 0, pushed.output);
    const network = (await docker.listNetworks({ filters: { label: [`paas.app=${app}`] } }))[0];
    const subnet = network?.IPAM?.Config?.[0]?.Subnet;
    t.truthy(subnet);
    t.false(held.includes(subnet!), `${subnet} is one the host routes elsewhere`);
    t.is((await daemon.get(app)).status, 200);
  } finally {
    for (const subnet of held) spawnSync('ip', ['route', 'del', 'blackhole', subnet]);
    spawnSync('ip', ['route', 'del', overlaySubnet]);
    await docker
      .getContainer(GATEWAY_NAME)
      .remove({ force: true })
      .catch(() => undefined);
    await docker
      .getNetwork(GATEWAY_NAME)
      .remove()
      .catch(() => undefined);
    await daemon.stop();
    await removeApps([app]);
  }
});
