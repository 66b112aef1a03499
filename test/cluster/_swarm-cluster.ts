// E2E helper: a real Swarm on this machine. The host's engine is the manager; each worker is a Docker-in-Docker
// node (a container running Debian's docker.io). Created and removed by the test, leaving the host's engine as
// it found it (out of any swarm, without the nodes, the gateway or their networks and routes).
import { spawnSync } from 'node:child_process';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import tarStream from 'tar-stream';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { docker } from '../e2e/_daemon.js';

export const NODE_IMAGE = 'paas/test-swarm-node:1';
const NODE_PREFIX = 'paas-test-swarm-node-';

export interface SwarmNode {
  name: string;
  ip: string;
  engine: Docker;
}

export interface Cluster {
  /** The manager's (the host engine's) Swarm address. */
  managerAddr: string;
  nodes: SwarmNode[];
  /** Makes every node trust the registry at `address` (as `nodes:join-command` tells an admin to). */
  trustRegistry(address: string, caPem: string): Promise<void>;
  destroy(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ensureNodeImage(): Promise<void> {
  if (
    await docker
      .getImage(NODE_IMAGE)
      .inspect()
      .then(
        () => true,
        () => false,
      )
  )
    return;
  const pack = tarStream.pack();
  pack.entry(
    { name: 'Dockerfile' },
    [
      'FROM paas/stack:bookworm',
      'RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io iptables && rm -rf /var/lib/apt/lists/*',
      'CMD ["dockerd", "--host=unix:///var/run/docker.sock", "--host=tcp://0.0.0.0:2375"]',
      '',
    ].join('\n'),
  );
  pack.finalize();
  const stream = await docker.buildImage(pack as unknown as Readable, { t: NODE_IMAGE });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) => {
      const failed = events?.find((e) => e.error);
      if (err || failed) reject(err ?? new Error(failed!.error));
      else resolve();
    }),
  );
}

async function removeNodes(): Promise<void> {
  for (const c of await docker.listContainers({ all: true, filters: { name: [NODE_PREFIX] } }))
    await docker.getContainer(c.Id).remove({ force: true, v: true });
}

/** Host routes through the overlay gateway (the daemon adds one per app overlay). */
function removeGatewayRoutes(gatewayIp: string | undefined): void {
  if (!gatewayIp) return;
  const routes = spawnSync('ip', ['-4', 'route', 'show', 'via', gatewayIp], { encoding: 'utf8' }).stdout;
  for (const line of routes.split('\n').filter(Boolean)) spawnSync('ip', ['route', 'del', line.split(' ')[0]!]);
}

/** The blobs (layers, configs, manifests) the daemon's registry stores now, by digest, with their sizes. */
export function registryBlobs(dataDir: string): Map<string, number> {
  const root = path.join(dataDir, 'registry', 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256');
  const blobs = new Map<string, number>();
  if (!fs.existsSync(root)) return blobs;
  for (const prefix of fs.readdirSync(root))
    for (const digest of fs.readdirSync(path.join(root, prefix))) {
      const file = path.join(root, prefix, digest, 'data');
      if (fs.existsSync(file)) blobs.set(digest, fs.statSync(file).size);
    }
  return blobs;
}

/** The daemon's registry as a client of its API: address, credentials and CA from the data dir. */
export function registryAccessOf(dataDir: string, address: string): { address: string; username: string; password: string; ca: string } {
  const dir = path.join(dataDir, 'registry');
  const credentials = JSON.parse(fs.readFileSync(path.join(dir, 'credentials.json'), 'utf8')) as { username: string; password: string };
  return { address, ...credentials, ca: fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8') };
}

/** The blobs (hex digests) a tag's manifest refers to, the manifest's own included. */
export function manifestBlobs(access: { address: string; username: string; password: string; ca: string }, repo: string, tag: string): Promise<string[]> {
  const [host, port] = access.address.split(':');
  return new Promise((resolve, reject) => {
    https
      .get(
        {
          host,
          port: Number(port),
          path: `/v2/${repo}/manifests/${tag}`,
          ca: access.ca,
          auth: `${access.username}:${access.password}`,
          headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => {
            const manifest = JSON.parse(body) as { config: { digest: string }; layers: { digest: string }[] };
            const own = String(res.headers['docker-content-digest']);
            resolve([own, manifest.config.digest, ...manifest.layers.map((l) => l.digest)].map((d) => d.replace(/^sha256:/, '')));
          });
        },
      )
      .on('error', reject);
  });
}

/**
 * The host's address on Docker's default bridge: the manager's Swarm address, which the nodes (containers on that
 * bridge) reach. An engine that found its bridge already up records no gateway for it: the interface has it.
 */
async function bridgeAddress(): Promise<string> {
  const bridge = (await docker.getNetwork('bridge').inspect()) as { IPAM: { Config: { Gateway?: string }[] }; Options?: Record<string, string> };
  const gateway = bridge.IPAM.Config[0]?.Gateway;
  if (gateway) return gateway;
  // Read with ip(8): Node lists no interface that is down, and docker0 is while no container is on it.
  const name = bridge.Options?.['com.docker.network.bridge.name'] ?? 'docker0';
  const shown = spawnSync('ip', ['-4', '-o', 'addr', 'show', 'dev', name], { encoding: 'utf8' });
  const address = /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(shown.stdout ?? '')?.[1];
  if (!address) throw new Error(`${name}, Docker's default bridge, has no IPv4 address: ${shown.stderr || shown.stdout}`);
  return address;
}

/** Undoes a cluster: its nodes, the overlay gateway and its routes, the swarm, its networks, the registry's CA. */
async function removeCluster(managerAddr: string): Promise<void> {
  await removeNodes();
  const gateway = await docker
    .getContainer('paas-swarm-gateway')
    .inspect()
    .catch(() => undefined);
  removeGatewayRoutes(gateway?.NetworkSettings.Networks['paas-swarm-gateway']?.IPAddress);
  if (gateway) await docker.getContainer(gateway.Id).remove({ force: true });
  await docker.swarmLeave({ force: true }).catch(() => undefined);
  for (const name of ['paas-swarm-gateway', 'docker_gwbridge'])
    await docker
      .getNetwork(name)
      .remove()
      .catch(() => undefined);
  fs.rmSync(`/etc/docker/certs.d/${managerAddr}:5000`, { recursive: true, force: true });
}

/** A manager (this engine) and `count` worker nodes, all Ready; what a failure left half made is undone. */
export async function createCluster(count: number): Promise<Cluster> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string } };
  if (info.Swarm?.LocalNodeState !== 'inactive')
    throw new Error(`the host engine is already in a swarm (${info.Swarm?.LocalNodeState}): the test leaves it alone`);
  await ensureNodeImage();
  await removeNodes();
  const managerAddr = await bridgeAddress();
  try {
    return await joinCluster(managerAddr, count);
  } catch (err) {
    await removeCluster(managerAddr);
    throw err;
  }
}

async function joinCluster(managerAddr: string, count: number): Promise<Cluster> {
  await docker.swarmInit({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: managerAddr });
  const token = ((await docker.swarmInspect()) as { JoinTokens: { Worker: string } }).JoinTokens.Worker;
  const nodes: SwarmNode[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `${NODE_PREFIX}${i}`;
    const container = await docker.createContainer({
      name,
      Hostname: name,
      Image: NODE_IMAGE,
      Labels: { 'paas.test': 'swarm-node' },
      HostConfig: {
        CapAdd: ['ALL'],
        CapDrop: ['SYS_RESOURCE'],
        SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
        CgroupnsMode: 'host',
        Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'],
        Tmpfs: { '/var/lib/docker': 'exec' },
      } as Docker.HostConfig,
    });
    await container.start();
    const ip = (await container.inspect()).NetworkSettings.Networks.bridge!.IPAddress;
    const engine = new Docker({ host: ip, port: 2375 });
    for (let t = 0; t < 150; t++) {
      if (
        await engine.ping().then(
          () => true,
          () => false,
        )
      )
        break;
      await sleep(200);
    }
    await engine.swarmJoin({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: ip, RemoteAddrs: [`${managerAddr}:2377`], JoinToken: token });
    nodes.push({ name, ip, engine });
  }
  for (let t = 0; t < 150; t++) {
    const ready = ((await docker.listNodes()) as { Status?: { State?: string } }[]).filter((n) => n.Status?.State === 'ready').length;
    if (ready === count + 1) break;
    await sleep(200);
  }
  return {
    managerAddr,
    nodes,
    async trustRegistry(address, caPem) {
      for (const node of nodes) {
        const pack = tarStream.pack();
        pack.entry({ name: `etc/docker/certs.d/${address}/ca.crt` }, caPem);
        pack.finalize();
        await docker.getContainer(node.name).putArchive(pack as unknown as NodeJS.ReadableStream, { path: '/' });
      }
    },
    destroy: () => removeCluster(managerAddr),
  };
}
