// A backing service on the local engine (its kinds are defined in backing/kinds.ts): its image (built once from Debian's packages), its own internal network
// (no way out, no app on it), its data volume, and its container, which is connected to the network of each app
// it is linked to and nowhere else. Client containers (dump, restore, connect) join the service's own network.
import type Docker from 'dockerode';
import tar from 'tar-stream';
import type { DockerClient } from './client.js';
import type { AppNetworks } from './subnets.js';
import { isNotFound } from './client.js';
import { buildImage, findImage } from './images.js';
import { connectNetwork, disconnectNetwork, ensureAppNetwork, execSucceeds, removeContainer, removeNetwork } from './containers.js';
import { ensureVolume } from './volumes.js';
import { LABEL, appNetworkName, serviceAlias, serviceObjectName } from './names.js';
import { DROPPED_CAPABILITIES } from './container-spec.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import type { ServiceKind } from '../backing/kinds.js';

/** One backing service as its containers need it: its name, kind, secret and database. */
export interface ServiceUnit {
  name: string;
  kind: ServiceKind;
  password: string;
  database: string;
  /** Published on the host at this address (`services:expose`); never unless asked. */
  exposed?: { host: string; port: number } | undefined;
}

const READY_TIMEOUT_MS = 120_000;

/** Builds `kind`'s image when the host does not have it yet. */
export async function ensureServiceImage(docker: DockerClient, kind: ServiceKind, out: LineSink): Promise<void> {
  if (await findImage(docker, kind.image)) return;
  out.step(`Building the ${kind.title} image (once, from Debian's packages)`);
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile' }, kind.dockerfile);
  pack.finalize();
  await buildImage(docker, pack as unknown as NodeJS.ReadableStream as never, { tag: kind.image, labels: { [LABEL.addon]: kind.name } }, () => {});
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
    Image: kind.image,
    Cmd: kind.command,
    Env: serviceEnv(row),
    Labels: { [LABEL.service]: row.name, [LABEL.role]: 'service', [LABEL.managed]: 'true' },
    StopTimeout: 30,
    HostConfig: {
      Init: true,
      RestartPolicy: { Name: 'unless-stopped' },
      Mounts: [{ Type: 'volume', Source: serviceObjectName(row.name, 'data'), Target: kind.dataDir }],
      NetworkMode: network,
      CapDrop: DROPPED_CAPABILITIES,
      SecurityOpt: ['no-new-privileges'],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
    },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [serviceAlias(row.kind.name, row.name)] } } },
  };
}

/** Pure: a throwaway client container (dump, restore, connect) on the service's own network. */
export function clientContainerSpec(row: ServiceUnit, command: string[]): Docker.ContainerCreateOptions {
  const kind = row.kind;
  return {
    Image: kind.image,
    Cmd: command,
    Env: serviceEnv(row),
    Labels: { [LABEL.service]: row.name, [LABEL.role]: 'service-client' },
    HostConfig: { AutoRemove: false, NetworkMode: serviceObjectName(row.name), CapDrop: DROPPED_CAPABILITIES, SecurityOpt: ['no-new-privileges'] },
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
  await ensureServiceImage(docker, kind, out);
  const labels = { [LABEL.service]: row.name, [LABEL.managed]: 'true' };
  const network = serviceObjectName(row.name);
  const networks = await docker.listNetworks({ filters: { name: [network] } });
  if (!networks.some((n) => n.Name === network)) await docker.createNetwork({ Name: network, Driver: 'bridge', Internal: true, Labels: labels });
  await ensureVolume(docker, serviceObjectName(row.name, 'data'), labels);
  const bridge = serviceObjectName(row.name, 'exposed');
  if (row.exposed && !networks.some((n) => n.Name === bridge) && !(await docker.listNetworks({ filters: { name: [bridge] } })).some((n) => n.Name === bridge))
    await docker.createNetwork({ Name: bridge, Driver: 'bridge', Labels: labels });
  let info = await inspectServiceContainer(docker, row);
  // Published ports are fixed when a container is created: a change of exposure replaces it (the volume stays).
  if (info && publishedAt(info) !== (row.exposed ? `${row.exposed.host}:${row.exposed.port}` : undefined)) {
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
  if (data) {
    await docker
      .getVolume(serviceObjectName(row.name, 'data'))
      .remove()
      .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
  }
}

/** Whether the service's data volume exists (a new service must not adopt an earlier one's data). */
export async function serviceVolumeExists(docker: DockerClient, name: string): Promise<boolean> {
  return docker
    .getVolume(serviceObjectName(name, 'data'))
    .inspect()
    .then(
      () => true,
      (err: unknown) => (isNotFound(err) ? false : Promise.reject(err)),
    );
}
