// The Scheduler port on Docker Swarm: each replica is a one-task service on its app's overlay network, its image
// pulled from the cluster's registry by whichever node Swarm places it on. One-offs and the release phase run on
// the manager (they need the image only where it was built).
import type { DockerClient } from '../docker/client.js';
import { isNotFound } from '../docker/client.js';
import { demuxLogs } from '../docker/containers.js';
import { containerLines, followContainer, type LogOwner } from '../docker/logs.js';
import { watchNodes } from '../docker/events.js';
import { Waker } from './waker.js';
import { DockerScheduler } from '../docker/docker-scheduler.js';
import { LABEL, imageRepo, serviceName } from '../docker/names.js';
import { untagImage } from '../docker/images.js';
import type { AppNetworks } from '../docker/subnets.js';
import type { LogLine, LogSource, OneOffSpec, ProcessSpec, Replica, ReplicaEvent, ReplicaHealth, Scheduler } from '../ports/scheduler.js';
import { PaasError } from '../errors.js';
import { daemonLog } from '../log.js';
import type { OverlayGateway } from './overlay-gateway.js';
import { registryAuth, registryRef, shipImage, versionsToForget, type Shipped } from './registry-push.js';
import { deleteManifest, listTags, manifestDigest } from './registry-api.js';
import { Semaphore } from 'async-mutex';
import type { RegistryAccess } from './registry-server.js';
import {
  currentTask,
  replicaHealth,
  replicaOfService,
  serviceSpec,
  taskSettled,
  unplaceableReason,
  type SwarmService,
  type SwarmTask,
} from './service-spec.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pushes hold one unit of the registry each; its garbage collection holds all of them (no upload runs meanwhile). */
const REGISTRY_UNITS = 1000;

/** Swarm's label on the containers of its tasks. */
const TASK_LABEL = 'com.docker.swarm.service.id';

const isTaskContainer = (labels: Record<string, string>) => labels[TASK_LABEL] !== undefined;

/** Container ids are 64 hex digits; Swarm's service ids are 25 letters and digits. */
const logOwner = (id: string): LogOwner => (/^[0-9a-f]{64}$/.test(id) ? 'container' : 'service');

function serviceLogSource(s: SwarmService): LogSource {
  return { id: s.ID, labels: s.Spec?.Labels ?? {}, running: (s.Spec?.Mode?.Replicated?.Replicas ?? 0) > 0 };
}

export interface SwarmSettings {
  stopGraceSeconds: number;
  /** How long a new replica may take to be placed, pulled and started. */
  startTimeoutMs: number;
  /** How often the tasks are read for changes Swarm made on its own (a crash, a lost node). */
  watchIntervalMs: number;
}

export class SwarmScheduler implements Scheduler {
  private readonly local: DockerScheduler;
  /** Release images shipped (or being shipped) to the registry, by app and version. */
  private readonly shipped = new Map<string, Promise<Shipped>>();
  private readonly registryUse = new Semaphore(REGISTRY_UNITS);

  constructor(
    private readonly docker: DockerClient,
    networks: AppNetworks,
    private readonly registry: RegistryAccess,
    private readonly gateway: OverlayGateway,
    private readonly settings: SwarmSettings,
    /** Told what each push sent, for the deploy's output. */
    private readonly onShipped: (app: string, version: number, shipped: Shipped) => void = () => undefined,
    /** Deletes the registry's blobs no manifest refers to (the daemon's own registry); says how many. */
    private readonly collectBlobs?: () => Promise<number>,
  ) {
    this.local = new DockerScheduler(docker, networks);
  }

  async prepare(app: string): Promise<void> {
    await this.local.prepare(app);
    await this.gateway.attach(app);
  }

  async teardown(app: string): Promise<void> {
    await this.gateway.detach(app);
    await this.local.teardown(app);
  }

  /** Pushes `app`'s release image `version` once; every replica of the release waits for the one push. */
  ship(app: string, version: number, imageId: string): Promise<Shipped> {
    const key = `${app}\n${version}\n${imageId}`;
    let shipping = this.shipped.get(key);
    if (!shipping) {
      shipping = this.registryUse
        .runExclusive(() => shipImage(this.docker, this.registry, imageId, app, version), 1)
        .then((shipped) => {
          this.onShipped(app, version, shipped);
          return shipped;
        });
      shipping.catch(() => this.shipped.delete(key));
      this.shipped.set(key, shipping);
    }
    return shipping;
  }

  async start(spec: ProcessSpec): Promise<Replica> {
    const { ref } = await this.ship(spec.app, spec.version, spec.image);
    let name = serviceName(spec.app, spec.process, spec.version, spec.index);
    const holder = await this.inspectService(name);
    if (holder && holder.Spec?.Labels?.[LABEL.app] !== spec.app)
      throw new PaasError('PAAS_ERR_NAME_CONFLICT', `a service named ${name} exists and is not ${spec.app}'s: it was left alone; remove it by hand`);
    // The replica it replaces (a rolling restart) still runs under the name: a service cannot be renamed, so the
    // new one keeps the other name of the pair.
    if (holder) name = serviceName(spec.app, spec.process, spec.version, spec.index, '-next');
    const leftover = await this.inspectService(name);
    if (leftover?.Spec?.Labels?.[LABEL.app] === spec.app) await this.removeService(leftover.ID);
    const auth = registryAuth(this.registry);
    // Volumes live on the manager's engine (storage:mount makes them there): a replica with some runs there too.
    const manager = spec.mounts?.length ? ((await this.docker.info()) as { Swarm?: { NodeID?: string } }).Swarm?.NodeID : undefined;
    const service = serviceSpec(spec, ref, name, this.settings.stopGraceSeconds, manager);
    const created = (await this.docker.createService((auth ?? {}) as object, service)) as {
      id?: string;
      ID?: string;
    };
    const id = created.id ?? created.ID ?? '';
    const deadline = Date.now() + this.settings.startTimeoutMs;
    let task: SwarmTask | undefined;
    while (Date.now() < deadline) {
      task = currentTask(await this.tasksOf(id));
      if (taskSettled(task)) break;
      const unplaceable = unplaceableReason(task);
      if (unplaceable) {
        await this.removeService(id);
        throw new PaasError(
          'PAAS_ERR_START_FAILED',
          `${spec.process}.${spec.index} cannot be placed: ${unplaceable}; see paas ps:placement ${spec.app} and paas nodes`,
        );
      }
      await sleep(200);
    }
    const replica = replicaOfService({ ID: id, Spec: { Name: name, Labels: service.Labels } }, task ? [task] : []);
    return replica!;
  }

  async health(replica: Replica): Promise<ReplicaHealth> {
    return replicaHealth(replica.app, await this.tasksOf(replica.id), replica.ip);
  }

  /** Swarm restarts every replica from the start (see serviceSpec). */
  async keep(): Promise<void> {}

  /** A service keeps its name (Swarm cannot rename one). */
  async settle(): Promise<void> {}

  async replicas(app?: string): Promise<Replica[]> {
    const label = app ? `${LABEL.app}=${app}` : LABEL.app;
    const services = (await this.docker.listServices({ filters: { label: [label] } })) as SwarmService[];
    if (services.length === 0) return [];
    const tasks = (await this.docker.listTasks()) as SwarmTask[];
    return services
      .flatMap(
        (s) =>
          replicaOfService(
            s,
            tasks.filter((t) => t.ServiceID === s.ID),
          ) ?? [],
      )
      .filter((r) => app === undefined || r.app === app);
  }

  async remove(replica: Pick<Replica, 'id'>): Promise<void> {
    await this.removeService(replica.id);
  }

  readonly retiresAfterSwap = false;

  async hold(): Promise<boolean> {
    // A Swarm service's tasks cannot be frozen: a replaced replica goes, and a rollback starts anew.
    return false;
  }

  async resume(): Promise<void> {}

  async pause(replica: Pick<Replica, 'id'>): Promise<void> {
    const service = this.docker.getService(replica.id);
    const info = (await service.inspect()) as { Version: { Index: number }; Spec: Record<string, unknown> };
    await service.update({ ...info.Spec, Mode: { Replicated: { Replicas: 0 } }, version: info.Version.Index });
  }

  async logTail(replica: Pick<Replica, 'id'>, lines: number): Promise<string> {
    const buffer = (await this.docker.getService(replica.id).logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    return demuxLogs(Buffer.isBuffer(buffer) ? buffer : Buffer.from(String(buffer)));
  }

  runOnce(spec: OneOffSpec): Promise<{ exitCode: number; output: string }> {
    return this.local.runOnce(spec);
  }

  /**
   * Deletes the registry's manifests of `versions` (and so their tags) unless a kept release has the same image, the
   * engine's tags of them, and then the blobs nothing refers to any more.
   */
  async forgetReleases(app: string, versions: number[], kept: number[]): Promise<void> {
    if (versions.length === 0) return;
    // A registry that refuses (an external one without deletes) keeps the images; the deploy is not failed for it.
    await this.deleteShipped(app, versions, kept).catch((err: unknown) => daemonLog('registry.collect.failed', { app, error: err }));
  }

  private async deleteShipped(app: string, asked: number[], kept: number[]): Promise<void> {
    const name = imageRepo(app);
    // Tags an earlier collection failed to delete (the registry was away, the daemon stopped midway) go now too.
    const versions = versionsToForget(await listTags(this.registry, name), asked, kept);
    const keptDigests = new Set((await Promise.all(kept.map((v) => manifestDigest(this.registry, name, `v${v}`)))).filter((d) => d !== undefined));
    let deleted = 0;
    for (const version of versions) {
      for (const key of this.shipped.keys()) if (key.startsWith(`${app}\n${version}\n`)) this.shipped.delete(key);
      await untagImage(this.docker, registryRef(this.registry.address, app, version).ref);
      const digest = await manifestDigest(this.registry, name, `v${version}`);
      if (digest === undefined || keptDigests.has(digest)) continue;
      await deleteManifest(this.registry, name, digest);
      deleted++;
    }
    const blobs = deleted && this.collectBlobs ? await this.registryUse.runExclusive(this.collectBlobs, REGISTRY_UNITS) : 0;
    daemonLog('registry.collected', { app, versions: versions.join(','), manifests: deleted, blobs });
  }

  /**
   * The app's services (their tasks' output comes through the manager from whichever node runs them) and its
   * one-offs on the manager; the manager's own task containers are left out, their output is their service's.
   */
  async logSources(app: string): Promise<LogSource[]> {
    const services = (await this.docker.listServices({ filters: { label: [`${LABEL.app}=${app}`] } })) as SwarmService[];
    const local = (await this.local.logSources(app)).filter((c) => !isTaskContainer(c.labels));
    return [...services.map(serviceLogSource), ...local];
  }

  logLines(id: string, tail: number): Promise<LogLine[]> {
    return containerLines(this.docker, id, tail, logOwner(id));
  }

  followLogs(id: string, tail: number | undefined, onLine: (line: LogLine) => void, signal: AbortSignal): Promise<void> {
    return followContainer(this.docker, id, tail, onLine, signal, logOwner(id));
  }

  /** One-offs as the manager's engine starts them; services as they appear (read every `watchIntervalMs`). */
  async watchLogSources(app: string, onStart: (source: LogSource) => void, signal: AbortSignal): Promise<{ closed: Promise<void> }> {
    const known = new Set(((await this.docker.listServices({ filters: { label: [`${LABEL.app}=${app}`] } })) as SwarmService[]).map((s) => s.ID));
    const local = await this.local.watchLogSources(app, (source) => isTaskContainer(source.labels) || onStart(source), signal);
    const polled = (async () => {
      while (!signal.aborted) {
        await sleep(this.settings.watchIntervalMs);
        const services = (await this.docker.listServices({ filters: { label: [`${LABEL.app}=${app}`] } }).catch(() => [])) as SwarmService[];
        for (const s of services) {
          if (known.has(s.ID) || signal.aborted) continue;
          known.add(s.ID);
          onStart(serviceLogSource(s));
        }
      }
    })();
    return { closed: Promise.all([local.closed, polled]).then(() => undefined) };
  }

  /**
   * Reads the tasks every `watchIntervalMs`, and at once when a node changes (the manager declared one down: Swarm
   * replaces its tasks right after): a replica whose task stopped running, or was replaced by Swarm (after a crash
   * or with a lost node, at a new address), is gone; one running again is back.
   */
  watch(onEvent: (event: ReplicaEvent) => void): { stop(): void } {
    let stopped = false;
    const seen = new Map<string, { task: string; running: boolean }>();
    const tick = async () => {
      const now = await this.replicaTasks();
      for (const [id, { replica, task }] of now) {
        const before = seen.get(id);
        const running = replica.state === 'running';
        if (before && before.running && (!running || before.task !== task))
          onEvent({ kind: 'gone', id, app: replica.app, replica: true, reason: running ? 'replaced by Swarm' : 'task stopped', name: replica.name });
        if (before && running && (!before.running || before.task !== task))
          onEvent({ kind: 'back', id, app: replica.app, replica: true, reason: 'task running', name: replica.name });
        seen.set(id, { task, running });
      }
      for (const id of [...seen.keys()]) if (!now.has(id)) seen.delete(id);
    };
    const waker = new Waker();
    const nodeEvents = new AbortController();
    watchNodes(
      this.docker,
      (change) => {
        daemonLog('swarm.node_changed', { ...change });
        // Swarm replaces the tasks of a node it declared down a moment after saying so: read now and again shortly.
        waker.wake();
        for (const ms of [250, 750]) setTimeout(() => waker.wake(), ms).unref();
      },
      nodeEvents.signal,
      (err) => daemonLog('swarm.node_events.failed', { error: err }),
    );
    void (async () => {
      while (!stopped) {
        await tick().catch((err: unknown) => daemonLog('swarm.watch.error', { error: err }));
        await waker.sleep(this.settings.watchIntervalMs);
      }
    })();
    return {
      stop() {
        stopped = true;
        nodeEvents.abort();
        waker.wake();
      },
    };
  }

  private async replicaTasks(): Promise<Map<string, { replica: Replica; task: string }>> {
    const services = (await this.docker.listServices({ filters: { label: [LABEL.app] } })) as SwarmService[];
    const tasks = services.length ? ((await this.docker.listTasks()) as SwarmTask[]) : [];
    const result = new Map<string, { replica: Replica; task: string }>();
    for (const s of services) {
      const own = tasks.filter((t) => t.ServiceID === s.ID);
      const replica = replicaOfService(s, own);
      if (replica) result.set(s.ID, { replica, task: currentTask(own)?.ID ?? '' });
    }
    return result;
  }

  private async tasksOf(serviceId: string): Promise<SwarmTask[]> {
    return (await this.docker.listTasks({ filters: { service: [serviceId] } })) as SwarmTask[];
  }

  private async inspectService(name: string): Promise<SwarmService | undefined> {
    return (await this.docker
      .getService(name)
      .inspect()
      .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)))) as SwarmService | undefined;
  }

  private async removeService(id: string): Promise<void> {
    await this.docker
      .getService(id)
      .remove()
      .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
  }
}
