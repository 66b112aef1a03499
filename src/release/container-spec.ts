// Pure: what container to create for a process of a release.
import type Docker from 'dockerode';
import { NETWORK } from '../docker/containers.js';
import type { Limits } from './resources.js';

export const DEFAULT_PORT = 5000;

/** The port the app listens on: the image's single EXPOSEd port when it has exactly one, else 5000. */
export function choosePort(exposed: number[]): number {
  return exposed.length === 1 ? exposed[0]! : DEFAULT_PORT;
}

/** Container names follow paas-<app>-<process>-v<release>-<n>. */
export function containerName(app: string, process: string, version: number, index: number): string {
  return `paas-${app}-${process}-v${version}-${index}`;
}

export interface ProcessSpec {
  app: string;
  process: string;
  version: number;
  index: number;
  image: string;
  port: number;
  /** A shell command from the Procfile; undefined or null runs the image's CMD. */
  command?: string | null;
  config?: Record<string, string>;
  /** Persistent volumes: Docker volume name and where it mounts. */
  mounts?: { volume: string; path: string }[];
  limits?: Limits;
}

/** The HostConfig part of volumes and limits, shared by process and one-off containers. */
export function runtimeHostConfig(spec: Pick<ProcessSpec, 'mounts' | 'limits'>): Docker.HostConfig {
  const { mounts = [], limits = {} } = spec;
  return {
    ...(mounts.length ? { Mounts: mounts.map((m) => ({ Type: 'volume' as const, Source: m.volume, Target: m.path })) } : {}),
    ...(limits.memory ? { Memory: limits.memory, MemorySwap: limits.memory } : {}),
    ...(limits.cpus ? { NanoCpus: Math.round(limits.cpus * 1e9) } : {}),
  };
}

/** The create options of one process container: labelled, on the paas network, restarted unless stopped. */
export function containerSpec(spec: ProcessSpec): Docker.ContainerCreateOptions {
  const env = Object.entries(spec.config ?? {}).map(([key, value]) => `${key}=${value}`);
  return {
    name: containerName(spec.app, spec.process, spec.version, spec.index),
    Image: spec.image,
    Env: [...env, `PORT=${spec.port}`],
    ...(spec.command ? { Cmd: ['/bin/sh', '-c', spec.command] } : {}),
    Labels: {
      'paas.app': spec.app,
      'paas.release': String(spec.version),
      'paas.process': spec.process,
      'paas.replica': String(spec.index),
      'paas.port': String(spec.port),
    },
    HostConfig: {
      RestartPolicy: { Name: 'unless-stopped' },
      // tini as PID 1: the app gets SIGTERM on stop and zombies are reaped.
      Init: true,
      NetworkMode: NETWORK,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
      ...runtimeHostConfig(spec),
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

/** One-off containers (`paas run`) belong to the app but not to a release's formation: swaps leave them be. */
export function isOneOff(labels: Record<string, string>): boolean {
  return labels['paas.one-off'] === 'true';
}
