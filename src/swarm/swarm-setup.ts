// `--scheduler swarm`: checks that this engine manages a Swarm, starts (or finds) the registry and the overlay
// gateway, and gives the Swarm scheduler that uses them.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import type { DockerClient } from '../docker/client.js';
import { PaasError } from '../errors.js';
import { daemonLog } from '../log.js';
import { OverlayGateway } from './overlay-gateway.js';
import { ensureNodeGuard, NODE_GUARD_NAME, otherNodeAddresses } from './node-guard.js';
import { closeNodesToApps } from '../host/firewall.js';
import type { MetricsHistory } from '../release/replica-metrics.js';
import { ensureNodeStats, followNodeStats, NODE_STATS_NAME } from './node-stats.js';
import { DOCKER_CERTS_DIR, SupervisedRegistry, type RegistryAccess } from './registry-server.js';
import { SwarmScheduler } from './swarm-scheduler.js';
import { Waker } from './waker.js';
import { watchNodes } from '../docker/events.js';

/** This engine's Swarm address, or a one-line error saying how to make it a manager. */
export async function managerAddress(docker: DockerClient): Promise<string> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeAddr?: string } };
  if (info.Swarm?.LocalNodeState !== 'active' || !info.Swarm.ControlAvailable || !info.Swarm.NodeAddr)
    throw new PaasError(
      'PAAS_ERR_SWARM',
      '--scheduler swarm needs this Docker engine to be a Swarm manager: run `docker swarm init --advertise-addr ADDRESS` first, or use --scheduler docker',
    );
  return info.Swarm.NodeAddr;
}

/**
 * Sets the cluster's node heartbeat (Swarm's default is 5 s, and a node is declared down only after several are
 * missed): a lost node's replicas leave the routes and are replaced when Swarm declares it down.
 */
export async function ensureHeartbeat(docker: DockerClient, seconds: number): Promise<void> {
  const swarm = (await docker.swarmInspect()) as { Version: { Index: number }; Spec: { Dispatcher?: { HeartbeatPeriod?: number } } & Record<string, unknown> };
  const period = seconds * 1e9;
  if (swarm.Spec.Dispatcher?.HeartbeatPeriod === period) return;
  await docker.swarmUpdate({ version: swarm.Version.Index, ...swarm.Spec, Dispatcher: { ...swarm.Spec.Dispatcher, HeartbeatPeriod: period } });
  daemonLog('swarm.heartbeat', { seconds });
}

export interface SwarmParts {
  scheduler: SwarmScheduler;
  registry: SupervisedRegistry | undefined;
  access: RegistryAccess;
  /** Takes the workers' replicas' resource use into `history` (the stats agent's output) until stopped. */
  followNodeStats(history: MetricsHistory): { stop(): void };
  /** Keeps the firewall across the cluster in step with its nodes until stopped. */
  nodeGuard: { stop(): void };
}

export async function startSwarm(docker: DockerClient, config: Config): Promise<SwarmParts> {
  const address = await managerAddress(docker);
  await ensureHeartbeat(docker, config.swarmHeartbeatSeconds);
  let registry: SupervisedRegistry | undefined;
  let access: RegistryAccess;
  if (config.registry.url) {
    // Its CA, where Docker itself looks for it (the daemon's calls to the registry's API trust the same one).
    const caFile = path.join(DOCKER_CERTS_DIR, config.registry.url, 'ca.crt');
    const ca = fs.existsSync(caFile) ? fs.readFileSync(caFile, 'utf8') : undefined;
    access = { address: config.registry.url, username: config.registry.username, password: config.registry.password, ...(ca ? { ca } : {}) };
  } else {
    registry = new SupervisedRegistry(config.dataDir, address, config.registry.port);
    access = await registry.start();
  }
  const gateway = new OverlayGateway(docker, config.appNetworks.pool);
  await gateway.start();
  const nodeGuard = await guardNodes(docker, access, config, address);
  const statsSeconds = Math.max(1, Math.round(config.metricsIntervalMs / 1000));
  await ensureNodeStats(docker, access, statsSeconds).catch((err: unknown) =>
    daemonLog('swarm.node_stats.failed', { service: NODE_STATS_NAME, error: err, hint: 'paas ps shows no CPU or memory for replicas on worker nodes' }),
  );
  const scheduler = new SwarmScheduler(
    docker,
    config.appNetworks,
    access,
    gateway,
    { stopGraceSeconds: config.stopGraceSeconds, startTimeoutMs: config.readyTimeoutMs * 2, watchIntervalMs: 1000 },
    (app, version, shipped) => daemonLog('registry.pushed', { app, version, image: shipped.ref, layers_sent: shipped.sent, layers_present: shipped.present }),
    registry ? () => registry!.garbageCollect() : undefined,
  );
  const followStats = (history: MetricsHistory) => {
    const stop = new AbortController();
    followNodeStats(docker, history, statsSeconds * 1000, stop.signal);
    return { stop: () => stop.abort() };
  };
  return { scheduler, registry, access, followNodeStats: followStats, nodeGuard };
}

/**
 * The firewall across the cluster: on the workers (the node guard) and, for the other nodes' addresses, here. Set
 * at start and again whenever the nodes' addresses change: checked when the engine says a node changed (joined,
 * left, went down), and every 15 s in case an event was missed.
 */
async function guardNodes(docker: DockerClient, access: RegistryAccess, config: Config, manager: string): Promise<{ stop(): void }> {
  let applied = '';
  const apply = async () => {
    const nodes = otherNodeAddresses((await docker.listNodes()) as { Status?: { Addr?: string } }[], manager);
    if (nodes.join(',') === applied) return;
    await closeNodesToApps(nodes);
    await ensureNodeGuard(docker, access, { pool: config.appNetworks.pool, manager, routerPorts: [config.httpPort, config.httpsPort], nodes });
    applied = nodes.join(',');
    daemonLog('swarm.node_guard', { service: NODE_GUARD_NAME, nodes: applied || 'none' });
  };
  const failed = (err: unknown) =>
    daemonLog('swarm.node_guard.failed', { error: err, hint: "apps on worker nodes can reach those nodes' ports and the manager's" });
  await apply().catch(failed);
  const stop = new AbortController();
  const waker = new Waker();
  // Any node event only wakes the check: it reads the node list again and acts only when the addresses changed.
  watchNodes(
    docker,
    () => waker.wake(),
    stop.signal,
    (err) => daemonLog('swarm.node_events.failed', { error: err }),
  );
  void (async () => {
    while (!stop.signal.aborted) {
      await waker.sleep(15_000);
      if (!stop.signal.aborted) await apply().catch(failed);
    }
  })();
  return {
    stop() {
      stop.abort();
      waker.wake();
    },
  };
}
