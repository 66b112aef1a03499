// Under Swarm, how the host reaches replicas on every node: the host cannot route to an overlay network, but a
// container on the manager attached to it can. The gateway is such a container, on every app's overlay and on a
// small internal bridge shared with the host only; the host routes each app's subnet through it, and it forwards
// (masquerading, so replies come back over the overlay) only what the host itself starts. The router and the
// health checks then reach task addresses directly, as they reach container addresses under the local scheduler.
import type Docker from 'dockerode';
import type { DockerClient } from '../docker/client.js';
import { isNotFound } from '../docker/client.js';
import { buildImage, dockerfileContext, findImage } from '../docker/images.js';
import { connectNetwork, disconnectNetwork } from '../docker/containers.js';
import { freeSubnet, parseCidr } from '../docker/subnets.js';
import { LABEL, appNetworkName } from '../docker/names.js';
import { STACK_IMAGE } from '../stack/build-stack.js';
import { removeRoute, routeThrough } from '../host/routes.js';
import { hostIpv4Ranges } from '../host/addresses.js';
import { PaasError } from '../errors.js';

export const GATEWAY_NAME = 'paas-swarm-gateway';
export const GATEWAY_IMAGE = 'paas/swarm-gateway:2';

/** The gateway's image as the workers pull it from the registry (the node guard and the stats agent run it). */
export const NODE_IMAGE = { repo: 'paas/node-guard', tag: '2' };

/**
 * What the gateway runs: forward only connections the host opens (its address is HOST_IP), masquerade them onto
 * the overlays, accept nothing addressed to itself. Strict reverse-path filtering (a sysctl) drops packets from
 * an overlay that claim the host's address. Fixed text: nothing in it comes from a user.
 */
export const GATEWAY_SCRIPT = [
  'set -e',
  'iptables -P FORWARD DROP',
  'iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
  'iptables -A FORWARD -s "$HOST_IP" -j ACCEPT',
  'iptables -t nat -A POSTROUTING -s "$HOST_IP" -j MASQUERADE',
  'iptables -P INPUT DROP',
  'iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
  'iptables -A INPUT -i lo -j ACCEPT',
  'exec sleep infinity',
].join('\n');

/** Pure: the host's and the gateway's addresses on the gateway bridge `subnet` (its first two). */
export function gatewayAddresses(subnet: string): { host: string; gateway: string } {
  const { start } = parseCidr(subnet);
  const ip = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  return { host: ip(start + 1), gateway: ip(start + 2) };
}

/** Pure: the gateway container's create options. */
export function gatewaySpec(subnet: string): Docker.ContainerCreateOptions {
  const { host, gateway } = gatewayAddresses(subnet);
  return {
    name: GATEWAY_NAME,
    Image: GATEWAY_IMAGE,
    Cmd: ['/bin/sh', '-c', GATEWAY_SCRIPT],
    Env: [`HOST_IP=${host}`],
    Labels: { [LABEL.managed]: 'true', [LABEL.role]: 'swarm-gateway' },
    HostConfig: {
      NetworkMode: GATEWAY_NAME,
      RestartPolicy: { Name: 'unless-stopped' },
      CapDrop: ['ALL'],
      CapAdd: ['NET_ADMIN', 'NET_RAW'],
      Sysctls: { 'net.ipv4.ip_forward': '1', 'net.ipv4.conf.all.rp_filter': '1', 'net.ipv4.conf.default.rp_filter': '1' },
    },
    NetworkingConfig: { EndpointsConfig: { [GATEWAY_NAME]: { IPAMConfig: { IPv4Address: gateway } } } },
  };
}

/** Builds the image of the gateway (the stack, iptables, and curl for the stats agent) once; the node guard runs it too. */
export async function ensureGatewayImage(docker: DockerClient): Promise<void> {
  if (await findImage(docker, GATEWAY_IMAGE)) return;
  const dockerfile = [
    `FROM ${STACK_IMAGE.repo}:${STACK_IMAGE.tag}`,
    'RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends iptables curl && rm -rf /var/lib/apt/lists/*',
    '',
  ].join('\n');
  try {
    await buildImage(docker, dockerfileContext(dockerfile), { tag: GATEWAY_IMAGE, labels: { [LABEL.managed]: 'true' } }, () => undefined);
  } catch (err) {
    throw new PaasError('PAAS_ERR_SWARM', `could not build the overlay gateway image ${GATEWAY_IMAGE}: ${(err as Error).message}`, { cause: err });
  }
}

/** The gateway: started once, attached to each app's overlay, with the host's route to it. */
export class OverlayGateway {
  private address: string | undefined;

  constructor(
    private readonly docker: DockerClient,
    private readonly pool: string,
  ) {}

  /** Ensures the bridge, the image and the running container; routes every overlay it is on again (after a reboot). */
  async start(): Promise<void> {
    const networks = await this.docker.listNetworks();
    let bridge = networks.find((n) => n.Name === GATEWAY_NAME);
    if (!bridge) {
      const subnet = freeSubnet(this.pool, [...networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')), ...(await hostIpv4Ranges())]);
      if (!subnet) throw new PaasError('PAAS_ERR_NETWORK', `no free /24 left in the app network pool ${this.pool} for the overlay gateway`);
      await this.docker.createNetwork({
        Name: GATEWAY_NAME,
        Driver: 'bridge',
        Internal: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] },
        Labels: { [LABEL.managed]: 'true' },
      });
      bridge = (await this.docker.listNetworks({ filters: { name: [GATEWAY_NAME] } })).find((n) => n.Name === GATEWAY_NAME)!;
    }
    const subnet = bridge.IPAM?.Config?.[0]?.Subnet ?? '';
    this.address = gatewayAddresses(subnet).gateway;
    await ensureGatewayImage(this.docker);
    const found = await this.docker
      .getContainer(GATEWAY_NAME)
      .inspect()
      .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
    if (!found) await (await this.docker.createContainer(gatewaySpec(subnet))).start();
    else if (!found.State.Running) await this.docker.getContainer(GATEWAY_NAME).start();
    const info = await this.docker.getContainer(GATEWAY_NAME).inspect();
    for (const name of Object.keys(info.NetworkSettings.Networks)) if (name !== GATEWAY_NAME) await this.route(name);
  }

  /** Attaches the gateway to `app`'s overlay and routes its subnet through it. */
  async attach(app: string): Promise<void> {
    await connectNetwork(this.docker, appNetworkName(app, 'overlay'), GATEWAY_NAME, []);
    await this.route(appNetworkName(app, 'overlay'));
  }

  /** Takes the gateway off `app`'s overlay and drops its route (the app is destroyed): the overlay can then go. */
  async detach(app: string): Promise<void> {
    const network = appNetworkName(app, 'overlay');
    const info = await this.docker
      .getNetwork(network)
      .inspect()
      .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
    if (!info) return;
    const subnet = (info as { IPAM?: { Config?: { Subnet?: string }[] } }).IPAM?.Config?.[0]?.Subnet;
    await disconnectNetwork(this.docker, network, GATEWAY_NAME);
    if (subnet) await removeRoute(subnet);
  }

  private async route(network: string): Promise<void> {
    const info = await this.docker.getNetwork(network).inspect();
    const subnet = (info as { IPAM?: { Config?: { Subnet?: string }[] } }).IPAM?.Config?.[0]?.Subnet;
    if (subnet && this.address) await routeThrough(subnet, this.address);
  }
}
