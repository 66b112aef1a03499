// The API's routes for backing services (services:*): who may use a service is decided by its links, so most of
// these take any caller and check inside (an admin, or a collaborator of an app the service is linked to).
import { Download, Streamed, type Route } from './dispatch.js';
import { lineSink } from '../log.js';
import { createService, destroyService, listServiceViews, serviceInfo } from '../backing/service-lifecycle.js';
import { submitLink, submitUnlink } from '../jobs/link.js';
import { backupFile, backupService, restoreService } from '../backing/service-backups.js';
import { listBackups } from '../backing/backup-files.js';
import { exposeService, usableService } from '../backing/service-lifecycle.js';
import { parseExposeAddress } from '../backing/service-unit.js';
import { checkKeep, parseEvery } from '../backing/backup-schedule.js';
import { setBackupSchedule } from '../store/backing-services.js';
import { planUpgrade, upgradeService } from '../backing/service-upgrade.js';
import { PaasError } from '../errors.js';
import { APP } from './route-helpers.js';

const SERVICE = '([a-z0-9-]{1,63})';
const service = (pattern: string) => new RegExp(`^/services/${SERVICE}${pattern}$`);
const text = (body: unknown, name: string): string | undefined => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
};

export const SERVICE_ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/services$/, scope: 'any', handler: async (c) => listServiceViews(c.services, c.caller) },
  {
    method: 'POST',
    pattern: /^\/services$/,
    scope: 'admin',
    handler: async (c) =>
      new Streamed(async (write) => {
        const out = lineSink(write);
        const row = await createService(c.services, text(c.body, 'kind') ?? '', text(c.body, 'name') ?? '', text(c.body, 'version'), out);
        out.done(`${row.name} is running: link it to an app with paas services:link APP ${row.name}`);
        return 0;
      }),
  },
  { method: 'GET', pattern: service(''), scope: 'any', handler: async (c) => serviceInfo(c.services, c.caller, c.params[0]!) },
  {
    method: 'DELETE',
    pattern: service(''),
    scope: 'admin',
    handler: async (c) => destroyService(c.services, c.params[0]!, text(c.body, 'confirm')).then(() => ({ ok: true })),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/apps/${APP}/services/${SERVICE}/link$`),
    scope: 'app',
    handler: async (c) => new Streamed((write, signal) => submitLink(c.services, c.caller, c.params[0]!, c.params[1]!, text(c.body, 'as'), write, signal)),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/apps/${APP}/services/${SERVICE}/unlink$`),
    scope: 'app',
    handler: async (c) => new Streamed((write, signal) => submitUnlink(c.services, c.caller, c.params[0]!, c.params[1]!, write, signal)),
  },
  {
    method: 'GET',
    pattern: service('/backups'),
    scope: 'any',
    handler: async (c) => listBackups(c.services.config.dataDir, (await usableService(c.services, c.caller, c.params[0]!)).name),
  },
  {
    method: 'POST',
    pattern: service('/backups'),
    scope: 'any',
    handler: async (c) =>
      new Streamed(async (write) => {
        await backupService(c.services, c.caller, c.params[0]!, lineSink(write));
        return 0;
      }),
  },
  {
    method: 'POST',
    pattern: service('/expose'),
    scope: 'admin',
    handler: async (c) => {
      const address = text(c.body, 'address');
      const exposed = address === undefined ? undefined : parseExposeAddress(address);
      return new Streamed(async (write) => {
        const out = lineSink(write);
        out.step(exposed ? `Exposing ${c.params[0]} on ${exposed.host}:${exposed.port}` : `Taking ${c.params[0]} off the host's ports`);
        await exposeService(c.services, c.params[0]!, exposed, out);
        out.done(exposed ? `${c.params[0]} takes connections on ${exposed.host}:${exposed.port}` : `${c.params[0]} is reachable from its linked apps only`);
        return 0;
      });
    },
  },
  {
    method: 'POST',
    pattern: service('/upgrade'),
    scope: 'admin',
    handler: async (c) => {
      const version = text(c.body, 'version');
      if (!version)
        throw new PaasError('PAAS_ERR_INVALID_INPUT', `say which version: paas services:upgrade ${c.params[0]} --version VERSION (see paas services:info)`);
      const planned = await planUpgrade(c.services, c.params[0]!, version);
      return new Streamed(async (write) => {
        await upgradeService(c.services, planned, lineSink(write));
        return 0;
      });
    },
  },
  {
    method: 'PUT',
    pattern: service('/backup-schedule'),
    scope: 'admin',
    handler: async (c) => {
      const name = (await usableService(c.services, c.caller, c.params[0]!)).name;
      const every = text(c.body, 'every');
      const schedule = every === undefined ? undefined : { everySeconds: parseEvery(every), keep: checkKeep((c.body as { keep?: unknown }).keep) };
      await setBackupSchedule(c.services.db, name, schedule);
      return { service: name, schedule: schedule ?? null };
    },
  },
  {
    method: 'POST',
    pattern: service('/restore'),
    scope: 'any',
    handler: async (c) =>
      new Streamed(async (write) => {
        await restoreService(c.services, c.caller, c.params[0]!, text(c.body, 'backup'), lineSink(write));
        return 0;
      }),
  },
  {
    method: 'GET',
    pattern: service('/backups/([^/]{1,100})'),
    scope: 'any',
    handler: async (c) => new Download(await backupFile(c.services, c.caller, c.params[0]!, c.params[1] === 'latest' ? undefined : c.params[1])),
  },
];
