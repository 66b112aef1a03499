// Keys, API tokens and the audit trail: who may do what, and what they did.
import type { Route, RouteContext } from './dispatch.js';
import { addKey } from '../keys.js';
import { getApp } from '../store/apps.js';
import { deleteKey, listKeys } from '../store/keys.js';
import { listEvents } from '../store/events.js';
import { checkAccess } from '../auth/access.js';
import { createToken } from '../auth/tokens.js';
import { listTokens, revokeToken } from '../store/tokens.js';
import { parseExpiresIn } from '../input/token-expiry.js';
import { app, appOf, field } from './route-helpers.js';

async function checkAppsExist(ctx: RouteContext, apps: string[]): Promise<void> {
  for (const name of apps) await getApp(ctx.services.db, name);
}

export const ACCESS_ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/keys$/, scope: 'admin', handler: async ({ services }) => listKeys(services.db) },
  {
    method: 'POST',
    pattern: /^\/keys$/,
    audit: (c) => `keys:add ${String(field(c.body, 'name') ?? '')}`,
    scope: 'admin',
    handler: async (c) => {
      const access = checkAccess(c.body);
      await checkAppsExist(c, access.apps);
      return addKey(c.services.db, String(field(c.body, 'name') ?? ''), String(field(c.body, 'publicKey') ?? ''), access);
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/keys\/([^/]{1,100})$/,
    audit: (c) => `keys:remove ${c.params[0]}`,
    scope: 'admin',
    handler: async (c) => deleteKey(c.services.db, c.params[0]!).then(() => ({ ok: true })),
  },
  { method: 'GET', pattern: /^\/tokens$/, scope: 'admin', handler: async ({ services }) => listTokens(services.db) },
  {
    method: 'POST',
    pattern: /^\/tokens$/,
    audit: (c) => `tokens:create ${String(field(c.body, 'name') ?? '')}`,
    scope: 'admin',
    handler: async (c) => {
      const access = checkAccess(c.body);
      await checkAppsExist(c, access.apps);
      const expiresIn = field(c.body, 'expiresIn');
      const seconds = expiresIn === undefined || expiresIn === null ? undefined : parseExpiresIn(String(expiresIn));
      const { token, row } = await createToken(c.services.db, String(field(c.body, 'name') ?? ''), access, seconds);
      return { ...row, token };
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/tokens\/([^/]{1,100})$/,
    audit: (c) => `tokens:revoke ${c.params[0]}`,
    scope: 'admin',
    handler: async (c) => revokeToken(c.services.db, c.params[0]!).then(() => ({ ok: true })),
  },
  {
    method: 'GET',
    pattern: /^\/events$/,
    scope: 'any',
    handler: async ({ services, caller }) => listEvents(services.db, { limit: 200, ...(caller.kind === 'admin' ? {} : { apps: caller.apps }) }),
  },
  { method: 'GET', pattern: app('/events'), scope: 'app', handler: async (c) => listEvents(c.services.db, { app: await appOf(c), limit: 200 }) },
];
