// The Scheduler port on the local Docker engine: each replica is a labelled container on its app's network.
import type Docker from 'dockerode';
import type { DockerClient } from './client.js';
import type { AppNetworks } from './subnets.js';
import { containerLines, followContainer, replicaOutput, watchStarts } from './logs.js';
import { isNotFound, removeOnceUnused } from './client.js';
import type { LogLine, LogSource, OneOffSpec, ProcessSpec, Replica, ReplicaHealth, Scheduler } from '../ports/scheduler.js';
import { LABEL, containerName } from './names.js';
import { containerSpec, isOneOff, runtimeHostConfig, withoutRestarts } from './container-spec.js';
import {
  containerIp,
  containerLogTail,
  containerState,
  ensureAppNetwork,
  listAppContainers,
  removeAppNetwork,
  removeContainer,
  renameContainer,
  runContainer,
  runToCompletion,
  setRestartPolicy,
  stopContainer,
} from './containers.js';
import { followContainerEvents } from './container-events.js';

/** Pure: the replica a listed container is, or undefined for containers of no release (CI, builds, one-offs). */
export function replicaOf(c: Pick<Docker.ContainerInfo, 'Id' | 'Names' | 'Labels' | 'State' | 'NetworkSettings'>): Replica | undefined {
  const labels = c.Labels ?? {};
  // Containers of releases made before replicas were labelled count too, so that restore can remove them.
  if (labels[LABEL.release] === undefined || labels[LABEL.process] === undefined || isOneOff(labels)) return undefined;
  const app = labels[LABEL.app]!;
  const name = (c.Names[0] ?? '').replace(/^\//, '');
  const settled = containerName(app, labels[LABEL.process]!, Number(labels[LABEL.release]), Number(labels[LABEL.replica] ?? 0));
  return {
    ...(name !== settled ? { replacing: true } : {}),
    id: c.Id,
    name,
    app,
    process: labels[LABEL.process]!,
    index: Number(labels[LABEL.replica] ?? 0),
    release: Number(labels[LABEL.release]),
    ip: containerIp(app, c.NetworkSettings?.Networks ?? {}),
    port: Number(labels[LABEL.port] ?? 0),
    ...(labels[LABEL.upstream] === 'h2c' ? { upstream: 'h2c' as const } : {}),
    state: c.State === 'running' ? 'running' : c.State === 'restarting' ? 'restarting' : c.State === 'paused' ? 'held' : 'stopped',
  };
}

export class DockerScheduler implements Scheduler {
  readonly retiresAfterSwap = true;
  constructor(
    private readonly docker: DockerClient,
    private readonly networks: AppNetworks,
    /** Keeps the last `lines` of a replica's output before it is removed (the app's log history, `app[web.1]` lines). */
    private readonly keepLogs?: { lines: number; keep: (app: string, lines: string[], replica?: { id: string; dyno: string }) => void },
  ) {}

  async prepare(app: string): Promise<void> {
    await ensureAppNetwork(this.docker, app, this.networks);
  }

  async teardown(app: string): Promise<void> {
    // Under Swarm (which detaches its gateway first), removed services' tasks leave the network a moment later.
    await removeOnceUnused(() => removeAppNetwork(this.docker, app));
  }

  async start(spec: ProcessSpec): Promise<Replica> {
    const options = withoutRestarts(containerSpec(spec));
    // The replica it replaces (a rolling restart) still runs under the name: start beside it, renamed by settle.
    const holder = await this.docker
      .getContainer(options.name!)
      .inspect()
      .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
    if (holder?.State.Running && holder.Config.Labels?.[LABEL.app] === spec.app) options.name = `${options.name}-next`;
    const started = await runContainer(this.docker, options);
    return {
      ...started,
      app: spec.app,
      process: spec.process,
      index: spec.index,
      release: spec.version,
      port: spec.port,
      ...(spec.upstream ? { upstream: spec.upstream } : {}),
      state: 'running',
    };
  }

  health(replica: Replica): Promise<ReplicaHealth> {
    return containerState(this.docker, replica.id);
  }

  async keep(replica: Replica): Promise<void> {
    await setRestartPolicy(this.docker, replica.id, { Name: 'unless-stopped' });
  }

  async settle(replica: Replica): Promise<void> {
    const name = containerName(replica.app, replica.process, replica.release, replica.index);
    if (replica.name !== name) await renameContainer(this.docker, replica.id, name);
  }

  async replicas(app?: string): Promise<Replica[]> {
    return (await listAppContainers(this.docker, app)).flatMap((c) => replicaOf(c) ?? []).filter((r) => app === undefined || r.app === app);
  }

  async remove(replica: Pick<Replica, 'id'>, graceSeconds: number): Promise<void> {
    if (this.keepLogs) {
      // A held (frozen) replica gets no signal until thawed: it would sit out the whole grace period.
      await this.docker
        .getContainer(replica.id)
        .unpause()
        .catch(() => undefined);
      // Stopped first, so that what it prints while it shuts down is kept too.
      await stopContainer(this.docker, replica.id, graceSeconds).catch(() => undefined);
      const kept = await replicaOutput(this.docker, replica.id, this.keepLogs.lines).catch(() => undefined);
      if (kept) this.keepLogs.keep(kept.app, kept.lines, { id: replica.id, dyno: kept.dyno });
    }
    return removeContainer(this.docker, replica.id, graceSeconds);
  }

  pause(replica: Pick<Replica, 'id'>, graceSeconds: number): Promise<void> {
    return stopContainer(this.docker, replica.id, graceSeconds);
  }

  async hold(replica: Pick<Replica, 'id'>): Promise<boolean> {
    // Frozen with the cgroup freezer: its memory stays, it uses no CPU, and it is no longer a running container.
    await this.docker.getContainer(replica.id).pause();
    return true;
  }

  async resume(replica: Pick<Replica, 'id'>): Promise<void> {
    await this.docker.getContainer(replica.id).unpause();
  }

  logTail(replica: Pick<Replica, 'id'>, lines: number): Promise<string> {
    return containerLogTail(this.docker, replica.id, lines);
  }

  async logSources(app: string): Promise<LogSource[]> {
    return (await listAppContainers(this.docker, app)).map((c) => ({ id: c.Id, labels: c.Labels, running: c.State === 'running' }));
  }

  logLines(id: string, tail: number): Promise<LogLine[]> {
    return containerLines(this.docker, id, tail);
  }

  followLogs(id: string, tail: number | undefined, onLine: (line: LogLine) => void, signal: AbortSignal): Promise<void> {
    return followContainer(this.docker, id, tail, onLine, signal);
  }

  watchLogSources(app: string, onStart: (source: LogSource) => void, signal: AbortSignal): Promise<{ closed: Promise<void> }> {
    return watchStarts(this.docker, app, (id, labels) => onStart({ id, labels, running: true }), signal);
  }

  async runOnce(spec: OneOffSpec): Promise<{ exitCode: number; output: string }> {
    await this.prepare(spec.app);
    return runToCompletion(this.docker, {
      Image: spec.image,
      Cmd: ['/bin/sh', '-c', spec.command],
      Env: Object.entries(spec.config ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: { [LABEL.app]: spec.app, [LABEL.process]: spec.process },
      HostConfig: runtimeHostConfig(spec.app, spec, this.networks.driver),
    });
  }

  watch(onEvent: Parameters<Scheduler['watch']>[0]): { stop(): void } {
    return followContainerEvents(this.docker, onEvent);
  }
}
