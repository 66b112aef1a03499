// Pure: a replica as a Swarm service, and what the daemon reads back from Swarm's services and tasks. Each
// replica is a service of one task, so the swap starts, checks, routes, drains and stops replicas one by one in
// its own order (never Swarm's rolling update), and the router knows each replica's address.
import type Docker from 'dockerode';
import { LABEL, appNetworkName, serviceName } from '../docker/names.js';
import { containerSpec, DROPPED_CAPABILITIES, isOneOff } from '../docker/container-spec.js';
import type { ProcessSpec, Replica, ReplicaHealth } from '../ports/scheduler.js';

/** A task as the Engine API lists it (the fields read here). */
export interface SwarmTask {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  CreatedAt?: string;
  DesiredState?: string;
  Status?: { State?: string; Err?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
  NetworksAttachments?: { Network?: { Spec?: { Name?: string } }; Addresses?: string[] }[];
}

/** A service as the Engine API lists it (the fields read here). */
export interface SwarmService {
  ID: string;
  Spec?: { Name?: string; Labels?: Record<string, string>; Mode?: { Replicated?: { Replicas?: number } } };
}

/** Task states after which the task never runs again. */
const ENDED = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned', 'remove']);

/**
 * Pure: the service that runs one replica: image from the registry, the app's overlay, no VIP, restarted always.
 * A replica with volumes runs on `volumesNode` (the manager, where `storage:mount` made them): volumes are per node.
 * The app's placement (ps:placement) narrows the nodes further.
 */
export function serviceSpec(spec: ProcessSpec, image: string, name: string, stopGraceSeconds: number, volumesNode?: string): Docker.CreateServiceOptions {
  const container = containerSpec(spec);
  const { limits = {}, mounts = [], placement = [] } = spec;
  const labels = container.Labels ?? {};
  const constraints = [...placement, ...(mounts.length && volumesNode ? [`node.id==${volumesNode}`] : [])];
  return {
    Name: name,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        Env: container.Env,
        ...(container.Cmd ? { Args: container.Cmd as string[] } : {}),
        Labels: labels,
        Init: true,
        CapabilityDrop: DROPPED_CAPABILITIES.map((c) => `CAP_${c}`),
        StopGracePeriod: stopGraceSeconds * 1e9,
        ...(mounts.length ? { Mounts: mounts.map((m) => ({ Type: 'volume' as const, Source: m.volume, Target: m.path })) } : {}),
      },
      Resources: {
        Limits: {
          ...(limits.memory ? { MemoryBytes: limits.memory } : {}),
          ...(limits.cpus ? { NanoCPUs: Math.round(limits.cpus * 1e9) } : {}),
          ...(limits.pids ? { Pids: limits.pids } : {}),
        },
      },
      // Restarted from the start: Swarm cannot change a task's policy without replacing it. A crash during the
      // swap's checks still shows, as an ended task (see replicaHealth).
      RestartPolicy: { Condition: 'any', Delay: 1e9, MaxAttempts: 0 },
      ...(constraints.length ? { Placement: { Constraints: constraints } } : {}),
      Networks: [{ Target: appNetworkName(spec.app, 'overlay') }],
      LogDriver: { Name: 'json-file', Options: { 'max-size': '10m', 'max-file': '3' } },
    },
    Mode: { Replicated: { Replicas: 1 } },
    // DNS round robin, no virtual IP: the router goes to each task's own address.
    EndpointSpec: { Mode: 'dnsrr' },
  } as Docker.CreateServiceOptions;
}

/** Pure: a task's address on `app`'s overlay, or ''. */
export function taskIp(app: string, task: SwarmTask | undefined): string {
  const attachment = task?.NetworksAttachments?.find((a) => a.Network?.Spec?.Name === appNetworkName(app, 'overlay'));
  return attachment?.Addresses?.[0]?.split('/')[0] ?? '';
}

/** Pure: the task of a service that runs (or is meant to run) now: the newest one Swarm wants running. */
export function currentTask(tasks: SwarmTask[]): SwarmTask | undefined {
  return tasks.filter((t) => t.DesiredState === 'running').sort((a, b) => String(b.CreatedAt ?? '').localeCompare(String(a.CreatedAt ?? '')))[0];
}

/** Pure: the replica a service is, or undefined for services of no release. */
export function replicaOfService(service: SwarmService, tasks: SwarmTask[]): Replica | undefined {
  const labels = service.Spec?.Labels ?? {};
  if (labels[LABEL.app] === undefined || labels[LABEL.release] === undefined || labels[LABEL.process] === undefined || isOneOff(labels)) return undefined;
  const app = labels[LABEL.app]!;
  const task = currentTask(tasks);
  const state = task?.Status?.State;
  const paused = service.Spec?.Mode?.Replicated?.Replicas === 0;
  const name = service.Spec?.Name ?? '';
  const settled = serviceName(app, labels[LABEL.process]!, Number(labels[LABEL.release]), Number(labels[LABEL.replica] ?? 0));
  return {
    ...(name !== settled ? { replacing: true } : {}),
    id: service.ID,
    name: service.Spec?.Name ?? '',
    app,
    process: labels[LABEL.process]!,
    index: Number(labels[LABEL.replica] ?? 0),
    release: Number(labels[LABEL.release]),
    ip: state === 'running' ? taskIp(app, task) : '',
    port: Number(labels[LABEL.port] ?? 0),
    ...(labels[LABEL.upstream] === 'h2c' ? { upstream: 'h2c' as const } : {}),
    state: paused ? 'stopped' : state === 'running' ? 'running' : 'restarting',
    ...(task?.NodeID ? { node: task.NodeID } : {}),
    ...(task?.Status?.ContainerStatus?.ContainerID ? { container: task.Status.ContainerStatus.ContainerID } : {}),
  };
}

/**
 * Pure: the health of the replica reached at `ip` (of `app`), from its service's tasks. Swarm replaces a task that
 * ends; a replica whose running task is not the one at `ip` crashed (as a container without restarts would show),
 * with the exit code of its last ended task.
 */
export function replicaHealth(app: string, tasks: SwarmTask[], ip: string): ReplicaHealth {
  const current = currentTask(tasks);
  const state = current?.Status?.State;
  if (state === 'running' && (!ip || taskIp(app, current) === ip)) return { running: true, exitCode: 0 };
  const ended = tasks.filter((t) => ENDED.has(t.Status?.State ?? '')).sort((a, b) => String(b.CreatedAt ?? '').localeCompare(String(a.CreatedAt ?? '')))[0];
  if (ended || state === 'running') return { running: false, exitCode: ended?.Status?.ContainerStatus?.ExitCode ?? -1 };
  // Still being placed, pulled or started: running for the check's purpose, not yet healthy.
  return { running: true, exitCode: 0, health: 'starting' };
}

/** Pure: why Swarm cannot place a task anywhere (no node meets its constraints), or undefined while it can. */
export function unplaceableReason(task: SwarmTask | undefined): string | undefined {
  const err = task?.Status?.Err ?? '';
  return task?.Status?.State === 'pending' && /^no suitable node/.test(err) ? err : undefined;
}

/** Pure: whether a task has reached a state the swap can act on (running, or ended). */
export function taskSettled(task: SwarmTask | undefined): boolean {
  const state = task?.Status?.State ?? '';
  return state === 'running' || ENDED.has(state);
}
