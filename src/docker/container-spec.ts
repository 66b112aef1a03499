// Pure: the Docker create options of a process replica and of a one-off: labels, network, limits, hardening.
import type Docker from 'dockerode';
import { LABEL, appNetworkName, containerName } from './names.js';
import type { ProcessSpec } from '../ports/scheduler.js';

export type { ProcessSpec };

export { containerName };

/** Capabilities of Docker's default set that no app needs (raw sockets can spoof and sniff on the network). */
export const DROPPED_CAPABILITIES = ['NET_RAW', 'MKNOD', 'AUDIT_WRITE', 'SETFCAP'];

/**
 * The HostConfig every app container gets, process or one-off: its app's network, its volumes and limits,
 * no privilege gain through setuid binaries, and fewer capabilities than Docker's default.
 */
export function runtimeHostConfig(app: string, spec: Pick<ProcessSpec, 'mounts' | 'limits'>, driver: 'bridge' | 'overlay' = 'bridge'): Docker.HostConfig {
  const { mounts = [], limits = {} } = spec;
  return {
    // tini as PID 1: the app gets SIGTERM on stop and zombies are reaped.
    Init: true,
    NetworkMode: appNetworkName(app, driver),
    SecurityOpt: ['no-new-privileges'],
    CapDrop: DROPPED_CAPABILITIES,
    ...(mounts.length ? { Mounts: mounts.map((m) => ({ Type: 'volume' as const, Source: m.volume, Target: m.path })) } : {}),
    ...(limits.memory ? { Memory: limits.memory, MemorySwap: limits.memory } : {}),
    ...(limits.cpus ? { NanoCpus: Math.round(limits.cpus * 1e9) } : {}),
    ...(limits.pids ? { PidsLimit: limits.pids } : {}),
  };
}

/** The create options of one process container: labelled, on its app's network, restarted unless stopped. */
export function containerSpec(spec: ProcessSpec): Docker.ContainerCreateOptions {
  const env = Object.entries(spec.config ?? {}).map(([key, value]) => `${key}=${value}`);
  return {
    name: containerName(spec.app, spec.process, spec.version, spec.index),
    Image: spec.image,
    // Heroku's dyno metadata after the config, so that it is always the platform's: DYNO=web.1, the release, the commit.
    Env: [
      ...env,
      `PORT=${spec.port}`,
      `DYNO=${spec.process}.${spec.index}`,
      `PAAS_APP_NAME=${spec.app}`,
      `PAAS_RELEASE_VERSION=v${spec.version}`,
      ...(spec.commit ? [`PAAS_SLUG_COMMIT=${spec.commit}`] : []),
    ],
    ...(spec.command ? { Cmd: ['/bin/sh', '-c', spec.command] } : {}),
    Labels: {
      [LABEL.app]: spec.app,
      [LABEL.release]: String(spec.version),
      [LABEL.process]: spec.process,
      [LABEL.replica]: String(spec.index),
      [LABEL.port]: String(spec.port),
      ...(spec.upstream ? { [LABEL.upstream]: spec.upstream } : {}),
    },
    HostConfig: {
      RestartPolicy: { Name: 'unless-stopped' },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
      ...runtimeHostConfig(spec.app, spec),
    },
  };
}

/**
 * The same spec with restarts off: a new container is started so while it is checked, so that a crash shows
 * as an exit with its code instead of a restart loop. The final policy is set once it passes.
 */
export function withoutRestarts(spec: Docker.ContainerCreateOptions): Docker.ContainerCreateOptions {
  return { ...spec, HostConfig: { ...spec.HostConfig, RestartPolicy: { Name: 'no' } } };
}

/**
 * Pure: whether a container is a process replica of some release of its app: what a swap replaces. CI test
 * and add-on containers, dependency installs, release commands and one-offs carry the app's label too, but no
 * replica of a formation: a deploy leaves them be.
 */
export function isReplica(labels: Record<string, string>): boolean {
  return labels[LABEL.replica] !== undefined && labels[LABEL.process] !== undefined && !isOneOff(labels);
}

/** One-off containers (`paas run`) belong to the app but not to a release's formation: swaps leave them be. */
export function isOneOff(labels: Record<string, string>): boolean {
  return labels[LABEL.oneOff] === 'true';
}
