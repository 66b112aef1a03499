// How a service's data is replaced all or nothing (an upgrade to a newer version, a restore of a backup): a new
// server is started and filled beside the live one, on a volume and a network of its own, while the old one keeps
// serving; only when it is full are the servers switched, then the store records the new volume. A crash before
// the record leaves the old data (the next daemon removes what was beside it); after it, the new data, served.
import type { Services } from '../services.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { faultPoint, type FaultPoint } from '../fault-point.js';
import {
  connectNetwork,
  createInternalNetwork,
  disconnectNetwork,
  removeContainer,
  removeNetwork,
  renameContainer,
  stopContainer,
} from '../docker/containers.js';
import { LABEL, serviceAlias, serviceObjectName } from '../docker/names.js';
import {
  connectApp,
  disconnectApp,
  ensureServiceRunning,
  removeVolume,
  serviceContainerSpec,
  serviceState,
  waitUntilReady,
  type ServiceUnit,
} from '../docker/service-container.js';
import { ensureVolume } from '../docker/volumes.js';
import { listLinks, setServiceData, type ServiceRow } from '../store/backing-services.js';
import { unitOf } from './service-unit.js';

type Deps = Pick<Services, 'config' | 'db' | 'docker'>;

/** Services whose data is being replaced now: a second upgrade or restore of one is refused, not queued. */
const busy = new Set<string>();

export function checkNotBusy(name: string): void {
  if (busy.has(name)) throw new PaasError('PAAS_ERR_NAME_CONFLICT', `${name} is being upgraded or restored already: wait for that to finish`);
}

/** Where the new server is filled before the switch (its container and its network share the name). */
export const besideName = (service: string) => serviceObjectName(service, 'upgrade');

/** Creates and starts the new server of `next` on the network `network` only, under the service's alias there. */
async function startBeside(services: Deps, next: ServiceUnit, network: string): Promise<string> {
  const spec = serviceContainerSpec(next);
  const created = await services.docker.createContainer({
    ...spec,
    name: network,
    HostConfig: { ...spec.HostConfig, NetworkMode: network },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [serviceAlias(next.kind.name, next.name)] } } },
  });
  await created.start();
  await waitUntilReady(services.docker, next, created.id);
  return created.id;
}

/** Removes what a data swap made beside the service: the new server, its network and (when named) its volume. */
export async function removeBeside(services: Pick<Services, 'docker'>, service: string, volume?: string): Promise<void> {
  await removeContainer(services.docker, besideName(service), 0).catch(() => undefined);
  await removeNetwork(services.docker, besideName(service));
  if (volume) await removeVolume(services.docker, volume);
}

export interface DataSwap {
  /** The service as stored, and the row it will be once through (another version or generation: another volume). */
  row: ServiceRow;
  next: ServiceRow;
  /** Linked apps lose the service while the swap runs (an upgrade: no write may land after its dump). */
  cutOff: boolean;
  /** Runs once the apps are cut off (when they are), before anything is made beside: an upgrade takes its dump. */
  prepare?: () => Promise<void>;
  /** Fills the new server `id`, whose clients reach it on `network`. */
  fill(next: ServiceUnit, id: string, network: string): Promise<void>;
  /** Where a crash test may stop the daemon: the new server full, nothing switched yet. */
  fault: FaultPoint;
}

/** Runs `swap`; on any failure the old server serves its linked apps again, as it was, and the error is rethrown. */
export async function swapData(services: Deps, swap: DataSwap, out: LineSink): Promise<void> {
  checkNotBusy(swap.row.name);
  busy.add(swap.row.name);
  try {
    await run(services, swap, out);
  } finally {
    busy.delete(swap.row.name);
  }
}

async function run(services: Deps, { row, next: nextRow, cutOff, prepare, fill, fault }: DataSwap, out: LineSink): Promise<void> {
  const { docker } = services;
  const old = unitOf(row);
  const next = unitOf(nextRow);
  const apps = (await listLinks(services.db, { service: row.name })).map((l) => l.app);
  const state = await serviceState(docker, old);
  if (!state?.running)
    throw new PaasError('PAAS_ERR_SERVICE_FAILED', `${row.name} is not running (${state?.status ?? 'no container'}): see paas services:info ${row.name}`);
  // What a swap cut short left behind is not the service's data (the store still names the old volume).
  await removeBeside(services, row.name, next.volume);
  const network = besideName(row.name);
  const labels = { [LABEL.service]: row.name, [LABEL.managed]: 'true' };
  try {
    if (cutOff && apps.length) {
      // Stopped first, so the apps' open connections are closed rather than left hanging on a vanished address.
      out.detail(`${apps.join(', ')} cannot reach ${row.name} until the upgrade ends (no write may land after the dump)`);
      await stopContainer(docker, state.id, 30);
      for (const app of apps) await disconnectApp(docker, old, app);
      await docker.getContainer(state.id).start();
      await waitUntilReady(docker, old, state.id);
    }
    await prepare?.();
    await createInternalNetwork(docker, network, labels);
    await ensureVolume(docker, next.volume, labels);
    const id = await startBeside(services, next, network);
    await fill(next, id, network);

    faultPoint(services.config, fault);
    out.step(`Switching ${row.name} over`);
    await removeContainer(docker, state.id, 30);
    await renameContainer(docker, id, serviceObjectName(row.name));
    await connectNetwork(docker, serviceObjectName(row.name), id, [serviceAlias(row.kind, row.name)]);
    await disconnectNetwork(docker, network, id);
    await removeNetwork(docker, network);
    for (const app of apps) await connectApp(docker, next, id, app, services.config.appNetworks);
    await setServiceData(services.db, row.name, { version: next.release.version, generation: nextRow.generation });
    // Past this point the swap has happened: what is left is tidying up.
    if (old.volume !== next.volume)
      await removeVolume(docker, old.volume).catch((err: Error) => out.detail(`the old data volume ${old.volume} stays: ${err.message}`));
  } catch (err) {
    out.detail(`putting ${row.name} back as it was`);
    await removeBeside(services, row.name, next.volume).catch(() => undefined);
    // The old server runs again on its volume (removed only once through) and joins the apps again: started if it
    // was cut off and stopped, made again if the switch had removed it.
    await ensureServiceRunning(docker, old, apps, services.config.appNetworks, out).catch(() => undefined);
    throw err;
  }
}
