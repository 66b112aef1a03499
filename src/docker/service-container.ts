// A backing service on the local engine (its kinds are defined in backing/kinds.ts): its image (built once from Debian's packages), its own internal network
// (no way out, no app on it), its data volume, and its container, which is connected to the network of each app
// it is linked to and nowhere else. Client containers (dump, restore, connect) join the service's own network.
import type Docker from 'dockerode';
import type { DockerClient } from './client.js';
import type { AppNetworks } from './subnets.js';
import { isNotFound } from './client.js';
import { buildImage, dockerfileContext, findImage } from './images.js';
import { connectNetwork, disconnectNetwork, ensureAppNetwork, execSucceeds, removeContainer, removeNetwork } from './containers.js';
import { ensureVolume } from './volumes.js';
import { LABEL, appNetworkName, serviceAlias, serviceObjectName } from './names.js';
import { DROPPED_CAPABILITIES } from './container-spec.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import type { ServiceKind, ServiceRelease } from '../backing/kinds.js';

/** One backing service as its containers need it: its name, kind, secret and database. */
export interface ServiceUnit {
  name: string;
  kind: ServiceKind;
  /** The version it runs: its image. */
  release: ServiceRelease;
  /** The volume its data lives on (one per version: an upgrade restores into a new one). */
  volume: string;
  password: string;
  database: string;
  /** Published on the host at this address (`services:expose`); never unless asked. */
  exposed?: { host: string; port: number } | undefined;
}

const READY_TIMEOUT_MS = 120_000;

/** Builds the image of `kind` at `release` when the host does not have it yet (its suite's stack must exist). */
export async function ensureServiceImage(docker: DockerClient, kind: ServiceKind, out: LineSink, release: ServiceRelease = kind.releases[0]!): Promise<void> {
  if (await findImage(docker, release.image)) return;
  out.step(`Building the ${kind.title} ${release.version} image (once, from Debian ${release.suite}'s packages)`);
  await buildImage(docker, dockerfileContext(release.dockerfile), { tag: release.image, labels: { [LABEL.addon]: kind.name } }, () => {});
}

/** Pure: the environment a service's containers (server and clients) read their secrets from. */
export function serviceEnv(row: ServiceUnit): string[] {
  return [`PAAS_SERVICE_PASSWORD=${row.password}`, `PAAS_SERVICE_DATABASE=${row.database}`, `PAAS_SERVICE_HOST=${serviceAlias(row.kind.name, row.name)}`];
}

/** Pure: the service's server container: data on its volume, restarted by the engine, on its own network only. */
export function serviceContainerSpec(row: ServiceUnit): Docker.ContainerCreateOptions {
  const kind = row.kind;
  const network = serviceObjectName(row.name);
  // An exposed service starts on a bridge of its own with a way out (an internal network cannot publish a port);
  // its own internal network, where its alias lives, is joined right after it is created.
  if (row.exposed) {
    const bridge = serviceObjectName(row.name, 'exposed');
    const base = serviceContainerSpec({ ...row, exposed: undefined });
    return {
      ...base,
      ExposedPorts: { [`${kind.port}/tcp`]: {} },
      HostConfig: {
        ...base.HostConfig,
        NetworkMode: bridge,
        PortBindings: { [`${kind.port}/tcp`]: [{ HostIp: row.exposed.host, HostPort: String(row.exposed.port) }] },
      },
      NetworkingConfig: { EndpointsConfig: { [bridge]: {} } },
    };
  }
  return {
    name: serviceObjectName(row.name),
    Image: row.release.image,
    Cmd: kind.command,
    Env: serviceEnv(row),
    Labels: { [LABEL.service]: row.name, [LABEL.role]: 'service', [LABEL.managed]: 'true' },
    StopTimeout: 30,
    HostConfig: {
      Init: true,
      RestartPolicy: { Name: 'unless-stopped' },
      Mounts: [{ Type: 'volume', Source: row.volume, Target: kind.dataDir }],
      NetworkMode: network,
      CapDrop: DROPPED_CAPABILITIES,
      SecurityOpt: ['no-new-privileges'],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
    },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [serviceAlias(row.kind.name, row.name)] } } },
  };
}

/** Pure: a throwaway client container (dump, restore, connect) on the service's own network (or on `network`). */
export function clientContainerSpec(row: ServiceUnit, command: string[], network = serviceObjectName(row.name)): Docker.ContainerCreateOptions {
  return {
    Image: row.release.image,
    Cmd: command,
    Env: serviceEnv(row),
    Labels: { [LABEL.service]: row.name, [LABEL.role]: 'service-client' },
    HostConfig: { AutoRemove: false, NetworkMode: network, CapDrop: DROPPED_CAPABILITIES, SecurityOpt: ['no-new-privileges'] },
  };
}

async function inspectServiceContainer(docker: DockerClient, row: ServiceUnit): Promise<Docker.ContainerInspectInfo | undefined> {
  const info = await docker
    .getContainer(serviceObjectName(row.name))
    .inspect()
    .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
  if (info && info.Config.Labels?.[LABEL.service] !== row.name)
    throw new PaasError('PAAS_ERR_NAME_CONFLICT', `a container named ${serviceObjectName(row.name)} exists and is not the service's: remove it by hand`);
  return info;
}

/** The service container's id and whether it runs, or undefined when there is none. */
export async function serviceState(docker: DockerClient, row: ServiceUnit): Promise<{ id: string; running: boolean; status: string } | undefined> {
  const info = await inspectServiceContainer(docker, row);
  return info && { id: info.Id, running: info.State.Running, status: info.State.Status };
}

/** Waits until the service takes connections. */
export async function waitUntilReady(docker: DockerClient, row: ServiceUnit, id: string): Promise<void> {
  const kind = row.kind;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await execSucceeds(docker, id, kind.ready).catch(() => false))) {
    const info = await docker.getContainer(id).inspect();
    if (!info.State.Running && !info.State.Restarting)
      throw new PaasError('PAAS_ERR_SERVICE_FAILED', `${row.name} (${kind.title}) exited with code ${info.State.ExitCode}: see paas services:logs ${row.name}`);
    if (Date.now() > deadline) throw new PaasError('PAAS_ERR_SERVICE_FAILED', `${row.name} (${kind.title}) did not take connections within 2 minutes`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Makes the service run: image, network, volume and container are created when missing (the volume is never
 * replaced), a stopped container is started, and the container is on the network of each app in `linkedApps`.
 * Resolves once it takes connections.
 */
export async function ensureServiceRunning(
  docker: DockerClient,
  row: ServiceUnit,
  linkedApps: string[],
  appNetworks: AppNetworks,
  out: LineSink,
): Promise<string> {
  const kind = row.kind;
  await ensureServiceImage(docker, kind, out, row.release);
  const labels = { [LABEL.service]: row.name, [LABEL.managed]: 'true' };
  const network = serviceObjectName(row.name);
  const networks = await docker.listNetworks({ filters: { name: [network] } });
  if (!networks.some((n) => n.Name === network)) await docker.createNetwork({ Name: network, Driver: 'bridge', Internal: true, Labels: labels });
  await ensureVolume(docker, row.volume, labels);
  const bridge = serviceObjectName(row.name, 'exposed');
  if (row.exposed && !networks.some((n) => n.Name === bridge) && !(await docker.listNetworks({ filters: { name: [bridge] } })).some((n) => n.Name === bridge))
    await docker.createNetwork({ Name: bridge, Driver: 'bridge', Labels: labels });
  let info = await inspectServiceContainer(docker, row);
  // Published ports and the image are fixed when a container is created: a change of exposure replaces it, and
  // so does a container of another version than the store's (an upgrade cut short); the volume stays.
  // A container on another data volume than the store's (a restore cut short between its switch and its record) too.
  const onVolume = (info?.Mounts ?? []).some((m) => m.Type === 'volume' && m.Name === row.volume);
  if (
    info &&
    (publishedAt(info) !== (row.exposed ? `${row.exposed.host}:${row.exposed.port}` : undefined) || info.Config.Image !== row.release.image || !onVolume)
  ) {
    out.detail(`replacing the ${row.name} container (its data stays on its volume)`);
    await removeContainer(docker, info.Id, 30);
    info = undefined;
  }
  if (!info) {
    const created = await docker.createContainer(serviceContainerSpec(row));
    if (row.exposed) await connectNetwork(docker, network, created.id, [serviceAlias(row.kind.name, row.name)]);
    info = await created.inspect();
  }
  if (!info.State.Running) await docker.getContainer(info.Id).start();
  for (const app of linkedApps) await connectApp(docker, row, info.Id, app, appNetworks);
  await waitUntilReady(docker, row, info.Id);
  return info.Id;
}

/** Where a service container's port is published on the host (HOST:PORT), if anywhere. */
function publishedAt(info: Docker.ContainerInspectInfo): string | undefined {
  const bindings = (info.HostConfig.PortBindings ?? {}) as Record<string, { HostIp?: string; HostPort?: string }[] | null>;
  const binding = Object.values(bindings)[0]?.[0];
  return binding ? `${binding.HostIp}:${binding.HostPort}` : undefined;
}

/** Puts the service on `app`'s network under its alias: the app's processes reach it, no one else does. */
export async function connectApp(docker: DockerClient, row: ServiceUnit, id: string, app: string, networks: AppNetworks): Promise<void> {
  await ensureAppNetwork(docker, app, networks);
  await connectNetwork(docker, appNetworkName(app, networks.driver), id, [serviceAlias(row.kind.name, row.name)]);
}

export async function disconnectApp(docker: DockerClient, row: ServiceUnit, app: string): Promise<void> {
  const state = await serviceState(docker, row);
  if (state) for (const driver of ['bridge', 'overlay'] as const) await disconnectNetwork(docker, appNetworkName(app, driver), state.id);
}

/** Removes the service's container and network, and (only when `data`) its volume. */
export async function removeServiceObjects(docker: DockerClient, row: ServiceUnit, data: boolean): Promise<void> {
  const state = await serviceState(docker, row);
  if (state) await removeContainer(docker, state.id, 30);
  await removeNetwork(docker, serviceObjectName(row.name));
  await removeNetwork(docker, serviceObjectName(row.name, 'exposed'));
  if (data)
    for (const volume of new Set([...serviceVolumes(row.name, row.kind), ...(await dataVolumesOf(docker, row.name))])) await removeVolume(docker, volume);
}

/** Removes a volume; a missing one is fine. */
export async function removeVolume(docker: DockerClient, volume: string): Promise<void> {
  await docker
    .getVolume(volume)
    .remove()
    .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
}

/** Pure: the data volume of service `name` at `release`: the first version's keeps the name it always had. */
export function serviceVolume(name: string, kind: ServiceKind, release: ServiceRelease, generation = 0): string {
  const data = serviceObjectName(name, 'data');
  const version = release === kind.releases[0] ? data : `${data}-${release.version.replace(/\./g, '-')}`;
  return generation > 0 ? `${version}-g${generation}` : version;
}

/** Every data volume the engine holds for service `name` (labelled with it): every version and generation. */
export async function dataVolumesOf(docker: DockerClient, name: string): Promise<string[]> {
  const prefix = serviceObjectName(name, 'data');
  const listed = (await docker.listVolumes({ filters: { label: [`${LABEL.service}=${name}`] } })).Volumes ?? [];
  return listed.map((v) => v.Name).filter((v) => v === prefix || v.startsWith(`${prefix}-`));
}

/** Pure: every data volume a service of `kind` named `name` may have, one per version. */
export function serviceVolumes(name: string, kind: ServiceKind): string[] {
  return kind.releases.map((r) => serviceVolume(name, kind, r));
}

/** Whether a data volume exists (a new service must not adopt an earlier one's data). */
export async function volumeExists(docker: DockerClient, volume: string): Promise<boolean> {
  return docker
    .getVolume(volume)
    .inspect()
    .then(
      () => true,
      (err: unknown) => (isNotFound(err) ? false : Promise.reject(err)),
    );
}
