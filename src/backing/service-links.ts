// Links between services and apps: the service joins the app's network under its alias and the app gets its URL
// as a config var (the release that sets it is queued by jobs/link.ts); app.json addons are provisioned
// and linked on a first deploy; a destroyed app's links go, its services' data stays.
import type { Services } from '../services.js';
import type { Caller } from '../auth/caller.js';
import { PaasError } from '../errors.js';
import { lineSink, type LineSink } from '../log.js';
import { getApp, setAppConfig } from '../store/apps.js';
import { deleteLink, findService, insertLink, listLinks, type ServiceRow } from '../store/backing-services.js';
import { connectApp, disconnectApp, ensureServiceRunning } from '../docker/service-container.js';
import { kindOf, type ServiceKindName } from './kinds.js';
import { linkVar, serviceUrl, unitOf } from './service-unit.js';
import { createService, usableService } from './service-lifecycle.js';

/**
 * `services:link APP NAME [--as ALIAS]`, up to the release: checks the var is free, puts the service on the app's
 * network and records the link; resolves with the var and the URL the release sets (jobs/link.ts).
 */
export async function attachLink(
  services: Pick<Services, 'config' | 'db' | 'docker'>,
  caller: Caller,
  app: string,
  name: string,
  as: string | undefined,
  write: (line: string) => void,
): Promise<{ row: ServiceRow; envVar: string; url: string }> {
  const appRow = await getApp(services.db, app);
  const row = await usableService(services, caller, name);
  const envVar = linkVar(unitOf(row).kind, as);
  const links = await listLinks(services.db, { app });
  const already = links.find((l) => l.service === row.name);
  if (already) throw new PaasError('PAAS_ERR_NAME_CONFLICT', `${row.name} is already linked to ${app} as ${already.envVar}`);
  const taken = links.find((l) => l.envVar === envVar);
  if (taken || envVar in appRow.config)
    throw new PaasError(
      'PAAS_ERR_NAME_CONFLICT',
      `${app} already has ${envVar}${taken ? ` (from ${taken.service})` : ''}: link with --as NAME, e.g. --as ${row.kind.toUpperCase()}_2 for ${row.kind.toUpperCase()}_2_URL`,
    );
  const unit = unitOf(row);
  const id = await ensureServiceRunning(services.docker, unit, [], services.config.appNetworks, lineSink(write));
  // On the app's network before the release that sets the variable starts; the link's record comes with that
  // release (see ConfigChange.link).
  await connectApp(services.docker, unit, id, app, services.config.appNetworks);
  return { row, envVar, url: serviceUrl(row) };
}

/** Takes the service off the app's network, unless a link of the two is on record (a failed link's release). */
export async function leaveAppNetwork(services: Pick<Services, 'db' | 'docker'>, row: ServiceRow, app: string): Promise<void> {
  if ((await listLinks(services.db, { app })).some((l) => l.service === row.name)) return;
  await disconnectApp(services.docker, unitOf(row), app);
}

/** Forgets a link and takes the service off the app's network (after an unlink's release, or a failed link's). */
export async function undoLink(services: Pick<Services, 'db' | 'docker'>, row: ServiceRow, app: string): Promise<void> {
  await deleteLink(services.db, row.name, app);
  await disconnectApp(services.docker, unitOf(row), app);
}

/** The link of service `name` to `app` that `caller` may remove. */
export async function linkToRemove(services: Pick<Services, 'db'>, caller: Caller, app: string, name: string): Promise<{ row: ServiceRow; envVar: string }> {
  await getApp(services.db, app);
  const row = await usableService(services, caller, name);
  const link = (await listLinks(services.db, { app })).find((l) => l.service === row.name);
  if (!link) throw new PaasError('PAAS_ERR_NOT_FOUND', `${row.name} is not linked to ${app} (see paas services:info ${row.name})`);
  return { row, envVar: link.envVar };
}

/** apps:destroy: the app's links go and its services leave its network; their data stays. */
export async function forgetAppLinks(services: Pick<Services, 'db' | 'docker'>, app: string): Promise<void> {
  for (const link of await listLinks(services.db, { app })) {
    const row = await findService(services.db, link.service);
    if (row) await undoLink(services, row, app);
  }
}

/**
 * Pure: the kinds an app.json `addons` list asks for (Heroku's format: "heroku-postgresql", { "plan": "redis" }),
 * and the add-ons this host does not offer (papertrail, sendgrid...), which a deploy names and skips.
 */
export function appJsonAddons(appJson: unknown): { kinds: ServiceKindName[]; skipped: string[] } {
  const list = (appJson as { addons?: unknown } | undefined)?.addons;
  if (list === undefined) return { kinds: [], skipped: [] };
  if (!Array.isArray(list)) throw new PaasError('PAAS_ERR_INVALID_APP_JSON', 'app.json addons must be a list, e.g. ["heroku-postgresql", "heroku-redis"]');
  const kinds: ServiceKindName[] = [];
  const skipped: string[] = [];
  for (const entry of list) {
    const plan = typeof entry === 'string' ? entry : typeof entry?.plan === 'string' ? (entry.plan as string) : '';
    const kind = kindOf(plan);
    if (!kind) skipped.push(String(plan).slice(0, 60) || JSON.stringify(entry).slice(0, 60));
    else if (!kinds.includes(kind.name)) kinds.push(kind.name);
  }
  return { kinds, skipped };
}

/**
 * A first deploy with app.json addons: each kind the app has no link of yet is created as APP-KIND and linked;
 * resolves with the config the release starts with (its URLs added).
 */
export async function provisionAddons(
  services: Pick<Services, 'config' | 'db' | 'docker'>,
  app: string,
  appJson: unknown,
  config: Record<string, string>,
  out: LineSink,
): Promise<Record<string, string>> {
  const { kinds: wanted, skipped } = appJsonAddons(appJson);
  if (skipped.length) out.step(`app.json addons not offered here, skipped: ${skipped.join(', ')} (postgres, redis and mysql are)`);
  if (wanted.length === 0) return config;
  const links = await listLinks(services.db, { app });
  const next = { ...config };
  for (const kindName of wanted) {
    const linkedKinds = await Promise.all(links.map(async (l) => (await findService(services.db, l.service))?.kind));
    if (linkedKinds.includes(kindName)) continue;
    const name = `${app}-${kindName}`;
    if (await findService(services.db, name))
      throw new PaasError(
        'PAAS_ERR_NAME_CONFLICT',
        `app.json addons: a service named ${name} exists and is not linked to ${app}: link it (paas services:link ${app} ${name}) or remove it`,
      );
    const row = await createService(services, kindName, name, undefined, out);
    const envVar = linkVar(unitOf(row).kind, undefined);
    if (envVar in next) {
      out.step(`app.json asks for ${kindName}, but ${envVar} is set already: left as it is`);
      continue;
    }
    const id = await ensureServiceRunning(services.docker, unitOf(row), [], services.config.appNetworks, out);
    await connectApp(services.docker, unitOf(row), id, app, services.config.appNetworks);
    await insertLink(services.db, { service: row.name, app, envVar });
    next[envVar] = serviceUrl(row);
    await setAppConfig(services.db, app, next);
    out.step(`Linked ${row.name} (${unitOf(row).kind.title}, from app.json addons) as ${envVar}`);
  }
  return next;
}
