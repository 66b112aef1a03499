// `services:upgrade NAME --version V`: a service moves to a newer server version by dump and restore, only when
// asked (never on a push). Its linked apps lose it while this runs, so no write lands after the dump; the dump is
// kept among its backups. The new server is filled beside the old one, on a network of its own; until the switch
// nothing of the old is changed, and any failure leaves the old version serving the linked apps again.
import path from 'node:path';
import type { Services } from '../services.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { faultPoint } from '../fault-point.js';
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
  ensureServiceImage,
  ensureServiceRunning,
  removeVolume,
  serviceContainerSpec,
  serviceState,
  volumeExists,
  waitUntilReady,
  type ServiceUnit,
} from '../docker/service-container.js';
import { ensureVolume } from '../docker/volumes.js';
import { ensureSuiteStack } from '../stack/build-stack.js';
import { getService, listLinks, setServiceVersion, type ServiceRow } from '../store/backing-services.js';
import { SERVICE_KINDS, upgradeTarget } from './kinds.js';
import { checkServiceName, unitOf } from './service-unit.js';
import { loadBackup, takeBackup } from './service-backups.js';
import { backupDir } from './backup-files.js';

type Deps = Pick<Services, 'config' | 'db' | 'docker'>;

/** Services being upgraded now: a second upgrade of one waits for nothing, it is refused. */
const upgrading = new Set<string>();

/** Where the new server is filled before the switch (its container and its network share the name). */
const upgradeObjectName = (service: string) => serviceObjectName(service, 'upgrade');

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

/** Removes what an upgrade made beside the service: the new server, its network and its volume. */
async function removeBeside(services: Deps, next: ServiceUnit): Promise<void> {
  await removeContainer(services.docker, upgradeObjectName(next.name), 0).catch(() => undefined);
  await removeNetwork(services.docker, upgradeObjectName(next.name));
  await removeVolume(services.docker, next.volume);
}

/** An upgrade that may go ahead: the service as stored, and the row it will be once through. */
export interface PlannedUpgrade {
  row: ServiceRow;
  next: ServiceRow;
}

/** Checks that `name` may move to `version` (before anything streams, so a refusal is one line on stderr). */
export async function planUpgrade(services: Pick<Services, 'db'>, name: string, version: string): Promise<PlannedUpgrade> {
  const row = await getService(services.db, checkServiceName(name));
  const target = upgradeTarget(SERVICE_KINDS[row.kind], row.version, version);
  if (row.exposed)
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `${row.name} is published on ${row.exposed.host}:${row.exposed.port}: take it off the host's ports first (paas services:unexpose ${row.name}), so that nothing writes to it during the upgrade`,
    );
  if (upgrading.has(row.name)) throw new PaasError('PAAS_ERR_NAME_CONFLICT', `${row.name} is being upgraded already: wait for that to finish`);
  return { row, next: { ...row, version: target.version } };
}

/** `services:upgrade NAME --version V`, once planned; resolves with the service as it now is. */
export async function upgradeService(services: Deps, planned: PlannedUpgrade, out: LineSink): Promise<ServiceRow> {
  if (upgrading.has(planned.row.name)) throw new PaasError('PAAS_ERR_NAME_CONFLICT', `${planned.row.name} is being upgraded already: wait for that to finish`);
  upgrading.add(planned.row.name);
  try {
    return await upgrade(services, planned.row, planned.next, out);
  } finally {
    upgrading.delete(planned.row.name);
  }
}

async function upgrade(services: Deps, row: ServiceRow, nextRow: ServiceRow, out: LineSink): Promise<ServiceRow> {
  const { docker } = services;
  const old = unitOf(row);
  const next = unitOf(nextRow);
  const apps = (await listLinks(services.db, { service: row.name })).map((l) => l.app);
  const state = await serviceState(docker, old);
  if (!state?.running)
    throw new PaasError('PAAS_ERR_SERVICE_FAILED', `${row.name} is not running (${state?.status ?? 'no container'}): see paas services:info ${row.name}`);
  const started = Date.now();
  out.step(`Upgrading ${row.name} from ${named(old)} to ${named(next)} (dump and restore)`);
  // Built while the old version still serves: the suite's base and the new server's image.
  await ensureSuiteStack(docker, next.release.suite, out);
  await ensureServiceImage(docker, next.kind, out, next.release);
  // What an upgrade cut short left behind is not the service's data (the store still names the old version).
  if (await volumeExists(docker, next.volume)) out.detail(`removing what an earlier, unfinished upgrade left (${next.volume})`);
  await removeBeside(services, next);

  const network = upgradeObjectName(row.name);
  const labels = { [LABEL.service]: row.name, [LABEL.managed]: 'true' };
  try {
    if (apps.length) {
      // Stopped first, so the apps' open connections are closed rather than left hanging on a vanished address.
      out.detail(`${apps.join(', ')} cannot reach ${row.name} until the upgrade ends (no write may land after the dump)`);
      await stopContainer(docker, state.id, 30);
      for (const app of apps) await disconnectApp(docker, old, app);
      await docker.getContainer(state.id).start();
      await waitUntilReady(docker, old, state.id);
    }
    const backup = await takeBackup(services, row, out);
    out.step(`Starting ${named(next)} beside it and restoring the dump into it`);
    await createInternalNetwork(docker, network, labels);
    await ensureVolume(docker, next.volume, labels);
    const id = await startBeside(services, next, network);
    await loadBackup(services, next, id, path.join(backupDir(services.config.dataDir, row.name), backup.name), out, network);

    faultPoint(services.config, 'upgrade-restored');
    out.step(`Switching ${row.name} over to ${named(next)}`);
    await removeContainer(docker, state.id, 30);
    await renameContainer(docker, id, serviceObjectName(row.name));
    await connectNetwork(docker, serviceObjectName(row.name), id, [serviceAlias(row.kind, row.name)]);
    await disconnectNetwork(docker, network, id);
    await removeNetwork(docker, network);
    for (const app of apps) await connectApp(docker, next, id, app, services.config.appNetworks);
    await setServiceVersion(services.db, row.name, next.release.version);
    // Past this point the upgrade has happened: what is left is tidying up.
    await removeVolume(docker, old.volume).catch((err: Error) => out.detail(`the old data volume ${old.volume} stays: ${err.message}`));
    out.done(
      `${row.name} runs ${named(next)} in ${((Date.now() - started) / 1000).toFixed(1)} s; linked apps keep their URL. The ${old.release.version} data is kept as backup ${backup.name}`,
    );
    return { ...row, version: next.release.version };
  } catch (err) {
    out.detail(`the upgrade failed: putting ${named(old)} back`);
    await removeBeside(services, next).catch(() => undefined);
    // The old server runs again on its volume (which an upgrade removes only once through) and joins the apps again:
    // started if it was cut off and stopped, made again if the switch had removed it.
    await ensureServiceRunning(docker, old, apps, services.config.appNetworks, out).catch(() => undefined);
    throw new PaasError(
      'PAAS_ERR_SERVICE_FAILED',
      `upgrade of ${row.name} to ${next.release.version} failed, and it runs ${old.release.version} as before: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

const named = (unit: ServiceUnit) => `${unit.kind.title} ${unit.release.version}`;
