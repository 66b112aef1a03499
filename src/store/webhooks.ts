// The webhooks and webhook_deliveries tables: an app's webhooks (URL, events, secret, who added it), and each
// delivery with its attempts and last answer (`paas webhooks:deliveries`).
import type { Db } from './db.js';
import { now } from './db.js';
import { PaasError } from '../errors.js';
import type { WebhookEvent } from '../webhooks/webhook-input.js';

export interface WebhookRow {
  id: number;
  app: string;
  url: string;
  events: WebhookEvent[];
  secret: string;
  /** Added by an admin: may target private addresses (a collaborator's may not). */
  trusted: boolean;
  createdBy: string;
  createdAt: string;
}

export interface DeliveryRow {
  id: string;
  webhookId: number;
  app: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  responseStatus: number | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

const webhookOf = (row: Record<string, unknown>): WebhookRow => ({
  id: Number(row.id),
  app: String(row.app),
  url: String(row.url),
  events: JSON.parse(String(row.events_json)) as WebhookEvent[],
  secret: String(row.secret),
  trusted: Boolean(row.trusted),
  createdBy: String(row.created_by),
  createdAt: String(row.created_at),
});

const deliveryOf = (row: Record<string, unknown>): DeliveryRow => ({
  id: String(row.id),
  webhookId: Number(row.webhook_id),
  app: String(row.app),
  event: String(row.event),
  status: row.status as DeliveryRow['status'],
  attempts: Number(row.attempts),
  responseStatus: row.response_status === null || row.response_status === undefined ? null : Number(row.response_status),
  error: (row.error as string | null) ?? null,
  createdAt: String(row.created_at),
  updatedAt: String(row.updated_at),
});

export async function insertWebhook(db: Db, row: Omit<WebhookRow, 'id' | 'createdAt'>): Promise<WebhookRow> {
  const [id] = await db('webhooks').insert(
    {
      app: row.app,
      url: row.url,
      events_json: JSON.stringify(row.events),
      secret: row.secret,
      trusted: row.trusted,
      created_by: row.createdBy,
      created_at: now(),
    },
    ['id'],
  );
  return getWebhook(db, row.app, Number(typeof id === 'object' ? (id as { id: number }).id : id));
}

export async function listWebhooks(db: Db, app: string): Promise<WebhookRow[]> {
  return (await db('webhooks').where({ app }).orderBy('id')).map(webhookOf);
}

export async function getWebhook(db: Db, app: string, id: number): Promise<WebhookRow> {
  const row = await db('webhooks').where({ app, id }).first();
  if (!row) throw new PaasError('PAAS_ERR_NOT_FOUND', `${app} has no webhook ${id} (see paas webhooks ${app})`);
  return webhookOf(row);
}

export async function deleteWebhook(db: Db, app: string, id: number): Promise<void> {
  await getWebhook(db, app, id);
  await db('webhook_deliveries').where({ webhook_id: id }).delete();
  await db('webhooks').where({ app, id }).delete();
}

export async function insertDelivery(db: Db, delivery: Pick<DeliveryRow, 'id' | 'webhookId' | 'app' | 'event'>): Promise<void> {
  const at = now();
  await db('webhook_deliveries').insert({
    id: delivery.id,
    webhook_id: delivery.webhookId,
    app: delivery.app,
    event: delivery.event,
    status: 'pending',
    attempts: 0,
    created_at: at,
    updated_at: at,
  });
}

export async function updateDelivery(db: Db, id: string, change: Pick<DeliveryRow, 'status' | 'attempts' | 'responseStatus' | 'error'>): Promise<void> {
  await db('webhook_deliveries').where({ id }).update({
    status: change.status,
    attempts: change.attempts,
    response_status: change.responseStatus,
    error: change.error,
    updated_at: now(),
  });
}

/** The app's last 100 deliveries, newest first. */
export async function listDeliveries(db: Db, app: string): Promise<DeliveryRow[]> {
  return (await db('webhook_deliveries').where({ app }).orderBy('created_at', 'desc').limit(100)).map(deliveryOf);
}
