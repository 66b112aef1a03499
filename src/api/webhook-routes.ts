// The API's routes for an app's webhooks (webhooks:*): its collaborators may add them, but only to public
// addresses; an admin's may go anywhere (a receiver on the host or a private network).
import type { Route } from './dispatch.js';
import { deleteWebhook, insertWebhook, listDeliveries, listWebhooks, type WebhookRow } from '../store/webhooks.js';
import { checkPublicTarget, checkWebhookEvents, checkWebhookUrl, newWebhookSecret } from '../webhooks/webhook-input.js';
import { APP, appOf } from './route-helpers.js';

const text = (body: unknown, name: string): string | undefined => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
};

/** A webhook as lists show it: the secret only ever once, when it is made. */
const view = ({ secret: _secret, ...rest }: WebhookRow) => rest;

export const WEBHOOK_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: new RegExp(`^/apps/${APP}/webhooks$`),
    scope: 'app',
    handler: async (c) => (await listWebhooks(c.services.db, await appOf(c))).map(view),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/apps/${APP}/webhooks$`),
    scope: 'app',
    audit: (c) => `webhooks:add ${c.params[0]} ${text(c.body, 'url') ?? ''}`,
    handler: async (c) => {
      const app = await appOf(c);
      const url = checkWebhookUrl(text(c.body, 'url') ?? '');
      if (c.caller.kind !== 'admin') await checkPublicTarget(url);
      const row = await insertWebhook(c.services.db, {
        app,
        url: url.toString(),
        events: checkWebhookEvents(text(c.body, 'events')),
        secret: text(c.body, 'secret') || newWebhookSecret(),
        trusted: c.caller.kind === 'admin',
        createdBy: c.caller.name,
      });
      return row;
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/apps/${APP}/webhooks/(\\d{1,9})$`),
    scope: 'app',
    audit: (c) => `webhooks:remove ${c.params[0]} ${c.params[1]}`,
    handler: async (c) => deleteWebhook(c.services.db, await appOf(c), Number(c.params[1])).then(() => ({ ok: true })),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/apps/${APP}/webhooks/deliveries$`),
    scope: 'app',
    handler: async (c) => listDeliveries(c.services.db, await appOf(c)),
  },
];
