// `paas nodes`, `nodes:join-command`, `nodes:drain` and `nodes:activate` under the Swarm scheduler. Draining
// moves replicas through the swap (a new replica started elsewhere, checked and routed before the old one is
// drained and stopped), never by Swarm's own rescheduling, which kills first.
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import type { Replica } from '../ports/scheduler.js';
import { PaasError } from '../errors.js';
import { applyNodeLabels } from '../input/placement.js';
import { lineSink } from '../log.js';
import { listApps } from '../store/apps.js';
import { runQueued } from '../queue/run-queued.js';
import { replicaViews } from '../release/process-view.js';
import type { ProcessLister } from '../release/process-list.js';

/** A node as the Engine API lists it (the fields read here). */
export interface SwarmNode {
  ID: string;
  Version?: { Index: number };
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> };
  Description?: { Hostname?: string; Engine?: { EngineVersion?: string } };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean };
}

export interface NodeView {
  id: string;
  hostname: string;
  role: string;
  state: string;
  availability: string;
  address: string;
  engine: string;
  /** Running replicas of apps placed on it. */
  replicas: number;
  labels: Record<string, string>;
}

/** Pure: the nodes as `paas nodes` shows them. */
export function nodeViews(nodes: SwarmNode[], replicas: Replica[]): NodeView[] {
  return nodes
    .map((n) => ({
      id: n.ID,
      hostname: n.Description?.Hostname ?? n.ID,
      role: n.ManagerStatus?.Leader ? 'manager (leader)' : (n.Spec?.Role ?? ''),
      state: n.Status?.State ?? '',
      availability: n.Spec?.Availability ?? '',
      address: n.Status?.Addr ?? '',
      engine: n.Description?.Engine?.EngineVersion ?? '',
      replicas: replicas.filter((r) => r.node === n.ID && r.state === 'running').length,
      labels: n.Spec?.Labels ?? {},
    }))
    .sort((a, b) => a.hostname.localeCompare(b.hostname));
}

/** Pure: the node named by `name` (hostname or id), or a one-line error naming the ones there are. */
export function findNode(nodes: SwarmNode[], name: string): SwarmNode {
  const found = nodes.filter((n) => n.ID === name || n.Description?.Hostname === name);
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${name} names ${found.length} nodes: use the node id (see paas nodes)`);
  throw new PaasError(
    'PAAS_ERR_NOT_FOUND',
    `no node ${JSON.stringify(name)} (there are: ${nodes.map((n) => n.Description?.Hostname ?? n.ID).join(', ') || 'none'})`,
  );
}

function requireSwarm(services: Pick<Services, 'config'>): void {
  if (services.config.scheduler !== 'swarm')
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'nodes exist under the Swarm scheduler only: start the daemon with --scheduler swarm');
}

async function listNodes(services: Pick<Services, 'docker'>): Promise<SwarmNode[]> {
  return (await services.docker.listNodes()) as SwarmNode[];
}

/** `paas ps` under Swarm: each replica with the node it runs on and its last sample. */
/**
 * The Swarm scheduler's process lister: each app's replicas on whichever node, with the node's name; a replica's
 * samples are its task container's (sampled here on the manager, or by the workers' agent).
 */
export function swarmProcessLister(services: Pick<Services, 'docker' | 'scheduler' | 'metrics'>): ProcessLister {
  return async (app) => {
    const names = new Map((await listNodes(services)).map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
    const byApp = new Map<string, Replica[]>();
    for (const r of await services.scheduler.replicas(app)) byApp.set(r.app, [...(byApp.get(r.app) ?? []), r]);
    return [...byApp].flatMap(([owner, replicas]) => {
      const containers = new Map(replicas.map((r) => [r.name, r.container ?? '']));
      return replicaViews(replicas, names, (id) => services.metrics.latest(id)).map((view) => ({
        app: owner,
        view,
        sampleId: containers.get(view.container) ?? '',
      }));
    });
  };
}

export async function nodesList(services: Pick<Services, 'config' | 'docker' | 'scheduler'>): Promise<NodeView[]> {
  requireSwarm(services);
  return nodeViews(await listNodes(services), await services.scheduler.replicas());
}

/** What an admin runs on a new host: trust the registry's CA, then join as a worker. */
export async function joinCommand(services: Pick<Services, 'config' | 'docker' | 'swarm'>): Promise<{ lines: string[] }> {
  requireSwarm(services);
  const info = (await services.docker.swarmInspect()) as { JoinTokens?: { Worker?: string } };
  const manager = ((await services.docker.info()) as { Swarm?: { NodeAddr?: string } }).Swarm?.NodeAddr ?? '';
  const registry = services.swarm?.registry ?? '';
  const lines = ['# On the new host (Debian, with docker.io installed), as root:'];
  if (services.swarm?.caPem)
    lines.push(
      `mkdir -p /etc/docker/certs.d/${registry}`,
      `cat > /etc/docker/certs.d/${registry}/ca.crt <<'EOF'`,
      ...services.swarm.caPem.trim().split('\n'),
      'EOF',
    );
  lines.push(`docker swarm join --token ${info.JoinTokens?.Worker ?? ''} ${manager}:2377`);
  return { lines };
}

async function setAvailability(services: Pick<Services, 'docker'>, node: SwarmNode, availability: 'active' | 'pause' | 'drain'): Promise<void> {
  const fresh = (await services.docker.getNode(node.ID).inspect()) as SwarmNode;
  await services.docker.getNode(node.ID).update({ version: fresh.Version?.Index, ...fresh.Spec, Availability: availability });
}

/** `nodes:label NODE KEY=VALUE ...` (KEY= removes one): the labels `ps:placement` constraints name. */
export async function labelNode(
  services: Pick<Services, 'config' | 'docker'>,
  name: string,
  changes: string[],
): Promise<{ hostname: string; labels: Record<string, string> }> {
  requireSwarm(services);
  const node = findNode(await listNodes(services), name);
  const fresh = (await services.docker.getNode(node.ID).inspect()) as SwarmNode;
  const labels = applyNodeLabels(fresh.Spec?.Labels ?? {}, changes);
  await services.docker.getNode(node.ID).update({ version: fresh.Version?.Index, ...fresh.Spec, Labels: labels });
  return { hostname: node.Description?.Hostname ?? node.ID, labels };
}

/**
 * Moves every replica off `name`: the node takes no new task, each app's replicas on it are replaced elsewhere
 * one by one through the swap (on the app's queue), then the node is drained. Resolves with the exit code.
 */
export async function drainNode(services: Services, name: string, write: (line: string) => void, signal: AbortSignal): Promise<number> {
  requireSwarm(services);
  const out = lineSink(write);
  const node = findNode(await listNodes(services), name);
  const hostname = node.Description?.Hostname ?? node.ID;
  await setAvailability(services, node, 'pause');
  out.step(`Moving the replicas on ${hostname} to the other nodes`);
  const ours = new Set((await listApps(services.db)).map((a) => a.name));
  const apps = [...new Set((await services.scheduler.replicas()).filter((r) => r.node === node.ID && ours.has(r.app)).map((r) => r.app))].sort();
  let failed = 0;
  for (const app of apps) {
    const ok = await runQueued(services, services.queues, { kind: 'ps', logId: `ps-${randomUUID()}`, app, action: 'restart', node: node.ID }, write, signal);
    if (!ok) failed++;
  }
  if (failed) {
    out.error(`${failed} app${failed === 1 ? '' : 's'} could not move: ${hostname} takes no new replica but keeps the ones it runs`);
    return 1;
  }
  await setAvailability(services, node, 'drain');
  out.done(`${hostname} is drained (${apps.length} app${apps.length === 1 ? '' : 's'} moved); bring it back with: paas nodes:activate ${hostname}`);
  return 0;
}

export async function activateNode(services: Pick<Services, 'config' | 'docker'>, name: string): Promise<{ hostname: string; availability: string }> {
  requireSwarm(services);
  const node = findNode(await listNodes(services), name);
  await setAvailability(services, node, 'active');
  return { hostname: node.Description?.Hostname ?? node.ID, availability: 'active' };
}
