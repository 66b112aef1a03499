// maintenance, maintenance:on, maintenance:off (Dokku's maintenance plugin, Heroku's maintenance mode): the app's
// processes keep running, and its hostnames answer a 503 maintenance page with Retry-After. Recorded first, then
// applied to the data plane: it outlives deploys, rollbacks, scaling and the daemon's own restarts.
import { PaasError } from '../errors.js';
import type { Route, RouteContext } from './dispatch.js';
import { getApp, setAppMaintenance } from '../store/apps.js';
import { APP_NAME, unanchored } from '../input/patterns.js';

const pattern = new RegExp(`^/apps/(${unanchored(APP_NAME)})/maintenance$`);

async function appOf(c: RouteContext) {
  return getApp(c.services.db, c.params[0]!);
}

export const MAINTENANCE_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern,
    scope: 'app',
    handler: async (c) => {
      const app = await appOf(c);
      return { app: app.name, maintenance: app.maintenance };
    },
  },
  {
    method: 'PUT',
    pattern,
    scope: 'app',
    audit: (c) => `maintenance:${(c.body as { on?: unknown } | undefined)?.on === true ? 'on' : 'off'} ${c.params[0] ?? ''}`,
    handler: async (c) => {
      const on = (c.body as { on?: unknown } | undefined)?.on;
      if (typeof on !== 'boolean') throw new PaasError('PAAS_ERR_INVALID_INPUT', 'on must be true or false');
      const app = await appOf(c);
      await setAppMaintenance(c.services.db, app.name, on);
      await c.services.dataPlane.setMaintenance(app.name, on);
      return { app: app.name, maintenance: on };
    },
  },
];
