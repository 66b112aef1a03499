// A backing service's life: created (image, network, volume, container, a generated password), shown, kept
// running across daemon restarts, and destroyed only when asked by name and no app is linked to it.
import fs from 'node:fs';
import path from 'node:path';
import type { Services } from '../services.js';
import type { Caller } from '../auth/caller.js';
import { PaasError } from '../errors.js';
import { daemonLog, lineSink, type LineSink } from '../log.js';
import { execOutput, removeNetwork } from '../docker/containers.js';
import { serviceObjectName } from '../docker/names.js';
import {
  dataVolumesOf,
  ensureServiceRunning,
  removeServiceObjects,
  removeVolume,
  serviceState,
  serviceVolumes,
  volumeExists,
} from '../docker/service-container.js';
import { removeBeside } from './data-swap.js';
import { ensureSuiteStack } from '../stack/build-stack.js';
import { faultPoint } from '../fault-point.js';
import {
  deleteService,
  findService,
  getService,
  insertService,
  listLinks,
  listServices,
  markServiceCreated,
  setExposed,
  type LinkRow,
  type ServiceRow,
} from '../store/backing-services.js';
import { checkKind, defaultRelease, releaseOf } from './kinds.js';
import type { ServiceUnit } from '../docker/service-container.js';
import { listBackups } from './backup-files.js';
import { checkMayUseService, checkServiceName, mayUseService, newPassword, serviceUrl, unitOf } from './service-unit.js';

type Deps = Pick<Services, 'config' | 'db' | 'docker'>;

export async function createService(services: Deps, kindText: string, nameText: string, version: string | undefined, out: LineSink): Promise<ServiceRow> {
  const kind = checkKind(kindText);
  const name = checkServiceName(nameText);
  const release = version === undefined ? defaultRelease(kind) : releaseOf(kind, version);
  if (await findService(services.db, name)) throw new PaasError('PAAS_ERR_NAME_CONFLICT', `a service named "${name}" exists already: pick another name`);
  // Data left by an earlier service of this name is never adopted (its password differs), nor deleted here.
  for (const volume of serviceVolumes(name, kind))
    if (await volumeExists(services.docker, volume))
      throw new PaasError(
        'PAAS_ERR_NAME_CONFLICT',
        `a data volume ${volume} exists from an earlier service: pick another name, or remove the volume on the host if its data is not needed`,
      );
  const row = await insertService(services.db, { name, kind: kind.name, version: release.version, password: newPassword() });
  out.step(`Creating ${kind.title} ${release.version} service ${name}`);
  try {
    await ensureSuiteStack(services.docker, release.suite, out);
    await ensureServiceRunning(services.docker, unitOf(row), [], services.config.appNetworks, out);
    faultPoint(services.config, 'creating-service');
    await markServiceCreated(services.db, name);
  } catch (err) {
    await removeServiceObjects(services.docker, unitOf(row), true).catch(() => undefined);
    await deleteService(services.db, name);
    throw err;
  }
  return { ...row, creating: undefined };
}

export interface ServiceView {
  name: string;
  kind: string;
  version: string;
  state: string;
  linkedApps: string[];
  createdAt: string;
  /** Bytes of data on its volume (info only). */
  size?: number;
  /** The connection URL (info only, and only to an admin or a collaborator of a linked app). */
  url?: string;
  backups?: string[];
  /** Where it is published on the host, if anywhere. */
  exposed?: string | null;
  /** Newer versions it may be upgraded to (info only). */
  upgrades?: string[];
  /** Scheduled backups (info only). */
  backupSchedule?: { everySeconds: number; keep: number } | null;
}

/** What lists show of a service; `links` already read, its container's state too. */
function summaryOf(row: ServiceRow, links: LinkRow[], state: { status: string } | undefined): ServiceView {
  return {
    name: row.name,
    kind: row.kind,
    version: row.version,
    state: row.creating ? 'creating' : (state?.status ?? 'missing'),
    linkedApps: links.map((l) => l.app),
    createdAt: row.createdAt,
  };
}

export async function listServiceViews(services: Deps, caller: Caller): Promise<ServiceView[]> {
  const views: ServiceView[] = [];
  for (const row of await listServices(services.db)) {
    const links = await listLinks(services.db, { service: row.name });
    if (mayUseService(caller, links)) views.push(summaryOf(row, links, await serviceState(services.docker, unitOf(row))));
  }
  return views;
}

export async function serviceInfo(services: Deps, caller: Caller, name: string): Promise<ServiceView> {
  const row = await getService(services.db, checkServiceName(name));
  const links = await listLinks(services.db, { service: row.name });
  checkMayUseService(caller, row.name, links);
  const state = await serviceState(services.docker, unitOf(row));
  let size: number | undefined;
  if (state?.running) {
    const du = await execOutput(services.docker, state.id, ['du', '-sb', unitOf(row).kind.dataDir]).catch(() => undefined);
    const bytes = Number(du?.stdout.split(/\s/)[0]);
    if (Number.isFinite(bytes)) size = bytes;
  }
  return {
    ...summaryOf(row, links, state),
    ...(size !== undefined ? { size } : {}),
    url: serviceUrl(row),
    backups: listBackups(services.config.dataDir, row.name).map((b) => b.name),
    backupSchedule: row.backupSchedule ?? null,
    upgrades: newerReleases(unitOf(row)).map((r) => r.version),
    exposed: row.exposed ? `${row.exposed.host}:${row.exposed.port}` : null,
  };
}

/** The versions after the one `unit` runs. */
function newerReleases(unit: ServiceUnit) {
  return unit.kind.releases.slice(unit.kind.releases.indexOf(unit.release) + 1);
}

/** Removes a service and its data, only when `confirm` repeats its name and no app is linked to it. */
export async function destroyService(services: Deps, name: string, confirm: string | undefined): Promise<void> {
  const row = await getService(services.db, checkServiceName(name));
  if (confirm !== row.name)
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `destroying ${row.name} deletes its data and backups: confirm with --confirm ${row.name}`);
  const links = await listLinks(services.db, { service: row.name });
  if (links.length)
    throw new PaasError(
      'PAAS_ERR_SERVICE_LINKED',
      `${row.name} is linked to ${links.map((l) => l.app).join(', ')}: unlink it first (paas services:unlink ${links[0]!.app} ${row.name})`,
    );
  await removeServiceObjects(services.docker, unitOf(row), true);
  fs.rmSync(path.join(services.config.dataDir, 'services', row.name), { recursive: true, force: true });
  await deleteService(services.db, row.name);
}

/**
 * On start: every stored service runs, on its linked apps' networks (a crash or a reboot may have stopped one).
 * Resolves with the apps linked to a service that was not running: their replicas may be crash-looping on it.
 */
export async function restoreServices(services: Deps): Promise<string[]> {
  const quiet = lineSink(() => {});
  const affected: string[] = [];
  for (const row of await listServices(services.db)) {
    if (row.creating) continue;
    const links = await listLinks(services.db, { service: row.name });
    try {
      // The new server of an upgrade or restore the daemon did not see through is not the service (the store names the old).
      await removeBeside(services, row.name);
      const before = await serviceState(services.docker, unitOf(row));
      const id = await ensureServiceRunning(
        services.docker,
        unitOf(row),
        links.map((l) => l.app),
        services.config.appNetworks,
        quiet,
      );
      const left = await removeLeftovers(services, row, id);
      if (left.length) daemonLog('service.leftovers.removed', { service: row.name, removed: left.join(', ') });
      if (!before?.running) {
        daemonLog('service.started', { service: row.name, apps: links.map((l) => l.app).join(',') });
        affected.push(...links.map((l) => l.app));
      }
    } catch (err) {
      daemonLog('service.restore_failed', { service: row.name, error: err });
    }
  }
  return [...new Set(affected)];
}

/**
 * On start, before anything else may use a service: each services:create the last daemon did not see through
 * (killed before the server first answered) is undone: what it made goes (container, network, its new volume) and
 * so does the record, so the name is free again. Its volume held no data anyone wrote: create refuses a name whose
 * volume exists, and nothing links to a service still creating. Resolves with the names removed.
 */
export async function removeUnfinishedServices(services: Deps): Promise<string[]> {
  const removed: string[] = [];
  for (const row of (await listServices(services.db)).filter((r) => r.creating)) {
    try {
      await removeServiceObjects(services.docker, unitOf(row), true);
      await deleteService(services.db, row.name);
      removed.push(row.name);
    } catch (err) {
      daemonLog('service.restore_failed', { service: row.name, error: err });
    }
  }
  return removed;
}

/**
 * What an interrupted upgrade or restore of `row` left: data volumes the store does not name (the old ones once a
 * swap was recorded, the new one when it was not). The service runs in
 * container `id` when this is called, so the volume it uses is never among them.
 */
async function removeLeftovers(services: Deps, row: ServiceRow, id: string): Promise<string[]> {
  const removed: string[] = [];
  const inUse = new Set(((await services.docker.getContainer(id).inspect()).Mounts ?? []).map((m) => m.Name));
  for (const volume of await dataVolumesOf(services.docker, row.name)) {
    if (volume === unitOf(row).volume || inUse.has(volume)) continue;
    await removeVolume(services.docker, volume);
    removed.push(`volume ${volume}`);
  }
  return removed;
}

/** The stored service named `name` that `caller` may use. */
export async function usableService(services: Pick<Services, 'db'>, caller: Caller, name: string): Promise<ServiceRow> {
  const row = await findService(services.db, checkServiceName(name));
  if (!row) throw new PaasError('PAAS_ERR_NOT_FOUND', `no service named "${name}" (see paas services)`);
  checkMayUseService(caller, row.name, await listLinks(services.db, { service: row.name }));
  if (row.creating)
    throw new PaasError('PAAS_ERR_NAME_CONFLICT', `${row.name} is still being created: try again when \`paas services:info ${row.name}\` says running`);
  return row;
}

/**
 * `services:expose NAME [ADDRESS:]PORT` / `services:unexpose NAME`: publishes the service's port on the host (or
 * stops), which replaces its container; the data stays on its volume and linked apps keep their URL.
 */
export async function exposeService(services: Deps, name: string, exposed: { host: string; port: number } | undefined, out: LineSink): Promise<void> {
  const row = await getService(services.db, checkServiceName(name));
  await setExposed(services.db, row.name, exposed);
  const links = await listLinks(services.db, { service: row.name });
  try {
    await ensureServiceRunning(
      services.docker,
      unitOf({ ...row, exposed }),
      links.map((l) => l.app),
      services.config.appNetworks,
      out,
    );
  } catch (err) {
    await setExposed(services.db, row.name, row.exposed);
    await ensureServiceRunning(
      services.docker,
      unitOf(row),
      links.map((l) => l.app),
      services.config.appNetworks,
      out,
    ).catch(() => undefined);
    throw err;
  }
  if (!exposed) await removeNetwork(services.docker, serviceObjectName(row.name, 'exposed'));
}
