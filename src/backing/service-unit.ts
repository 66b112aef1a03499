// Pure: a stored service as its containers and its linked apps see it: its kind, its URL, who may use it.
import { randomBytes } from 'node:crypto';
import type { Caller } from '../auth/caller.js';
import { serviceAlias } from '../docker/names.js';
import { serviceVolume, type ServiceUnit } from '../docker/service-container.js';
import { PaasError } from '../errors.js';
import { checkAppName } from '../input/app-name.js';
import type { LinkRow, ServiceRow } from '../store/backing-services.js';
import { SERVICE_KINDS, databaseName, releaseOf, type ServiceKind } from './kinds.js';

export function unitOf(row: ServiceRow): ServiceUnit {
  const kind = SERVICE_KINDS[row.kind];
  const release = releaseOf(kind, row.version);
  return {
    name: row.name,
    kind,
    release,
    volume: serviceVolume(row.name, kind, release, row.generation),
    password: row.password,
    database: databaseName(row.name),
    exposed: row.exposed,
  };
}

/** The URL a linked app gets: the service's alias on the app's network, its password and database. */
export function serviceUrl(row: ServiceRow): string {
  return SERVICE_KINDS[row.kind].url(serviceAlias(row.kind, row.name), row.password, databaseName(row.name));
}

/** A new service's password: 32 hex characters, safe in any URL and any client's option. */
export function newPassword(): string {
  return randomBytes(16).toString('hex');
}

/** Service names are app-shaped: a lowercase DNS label (they name containers, networks and host names). */
export function checkServiceName(name: string): string {
  try {
    return checkAppName(name);
  } catch {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `invalid service name ${JSON.stringify(name.slice(0, 40))}: use lowercase letters, digits and dashes`);
  }
}

/**
 * The config var a link sets: the kind's own (DATABASE_URL, REDIS_URL), or an alias given with --as, as Dokku's
 * --alias: ANALYTICS_DB becomes ANALYTICS_DB_URL; a name already ending in _URL is kept.
 */
export function linkVar(kind: ServiceKind, as: string | undefined): string {
  if (as === undefined || as === '') return kind.envVar;
  const name = as.toUpperCase();
  if (!/^[A-Z][A-Z0-9_]{0,59}$/.test(name))
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `--as ${JSON.stringify(as.slice(0, 40))}: use letters, digits and underscores, as ANALYTICS_DB`);
  return name.endsWith('_URL') ? name : `${name}_URL`;
}

/** An admin may use every service; a collaborator only those linked to one of their apps. */
export function mayUseService(caller: Caller, links: Pick<LinkRow, 'app'>[]): boolean {
  return caller.kind === 'admin' || links.some((link) => caller.apps.includes(link.app));
}

export function checkMayUseService(caller: Caller, name: string, links: Pick<LinkRow, 'app'>[]): void {
  if (!mayUseService(caller, links))
    throw new PaasError(
      'PAAS_ERR_PERMISSION_DENIED',
      `permission denied: "${caller.name}" may not use service "${name}" (it is not linked to an app of theirs)`,
    );
}

/** Pure: where `services:expose` publishes a service: [ADDRESS:]PORT, an IPv4 address (default 127.0.0.1). */
export function parseExposeAddress(text: string): { host: string; port: number } {
  const match = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d{1,5})$/.exec(text.trim());
  const host = match?.[1] ?? '127.0.0.1';
  const port = Number(match?.[2]);
  if (!match || !(port >= 1024 && port <= 65535) || host.split('.').some((octet) => Number(octet) > 255))
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `expose at ${JSON.stringify(text.slice(0, 40))}: give [ADDRESS:]PORT, as 15432 or 0.0.0.0:15432 (ports 1024-65535)`,
    );
  return { host, port };
}
