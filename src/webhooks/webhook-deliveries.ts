// Deliveries of an app's webhooks: each event the app's webhooks want becomes a delivery, POSTed as JSON with an
// HMAC-SHA256 signature from a BullMQ queue, retried with exponential back-off (5 attempts), and recorded with
// each attempt's answer. A webhook a collaborator added is never sent to a private address (checked when it is
// sent, after DNS), so it cannot reach the apps' networks or the host.
import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import type { Db } from '../store/db.js';
import { daemonLog } from '../log.js';
import { getWebhook, insertDelivery, listWebhooks, updateDelivery } from '../store/webhooks.js';
import { checkPublicTarget, signature, type WebhookEvent } from './webhook-input.js';

const QUEUE = 'webhooks';
const ATTEMPTS = 5;
const TIMEOUT_MS = 10_000;

interface DeliveryJob {
  deliveryId: string;
  webhookId: number;
  app: string;
  event: WebhookEvent;
  body: string;
}

export class WebhookDeliveries {
  private readonly queue: Queue<DeliveryJob>;
  private readonly worker: Worker<DeliveryJob>;

  constructor(
    connection: RedisOptions,
    private readonly db: Db,
    private readonly retryDelayMs = 2000,
  ) {
    this.queue = new Queue<DeliveryJob>(QUEUE, { connection });
    this.queue.on('error', () => {});
    this.worker = new Worker<DeliveryJob>(QUEUE, (job) => this.deliver(job.data, job.attemptsMade + 1), { connection, concurrency: 4 });
    this.worker.on('error', (err) => daemonLog('webhooks.worker.error', { error: err }));
  }

  /** Queues a delivery of `event` to each of `app`'s webhooks that wants it; never throws into the caller's work. */
  async emit(app: string, event: WebhookEvent, data: Record<string, unknown>): Promise<void> {
    try {
      for (const hook of await listWebhooks(this.db, app)) {
        if (!hook.events.includes(event)) continue;
        const deliveryId = randomUUID();
        const body = JSON.stringify({ id: deliveryId, event, app, at: new Date().toISOString(), data });
        await insertDelivery(this.db, { id: deliveryId, webhookId: hook.id, app, event });
        await this.queue.add(
          'deliver',
          { deliveryId, webhookId: hook.id, app, event, body },
          { jobId: deliveryId, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: this.retryDelayMs }, removeOnComplete: true, removeOnFail: true },
        );
      }
    } catch (err) {
      daemonLog('webhooks.emit.error', { app, event, error: err });
    }
  }

  private async deliver(job: DeliveryJob, attempt: number): Promise<void> {
    const hook = await getWebhook(this.db, job.app, job.webhookId).catch(() => undefined);
    if (!hook) throw new UnrecoverableError('the webhook was removed');
    const record = (status: 'pending' | 'delivered' | 'failed', responseStatus: number | null, error: string | null) =>
      updateDelivery(this.db, job.deliveryId, { status, attempts: attempt, responseStatus, error });
    try {
      const url = new URL(hook.url);
      // Checked again when sent: a name may resolve elsewhere now than when the webhook was added.
      if (!hook.trusted) await checkPublicTarget(url).catch((err: Error) => Promise.reject(new UnrecoverableError(err.message)));
      const res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'paas-webhooks',
          'x-paas-event': job.event,
          'x-paas-delivery': job.deliveryId,
          'x-paas-signature-256': signature(hook.secret, job.body),
        },
        body: job.body,
      });
      await res.body?.cancel();
      if (res.status < 200 || res.status > 299) throw new Error(`answered ${res.status}`);
      await record('delivered', res.status, null);
    } catch (err) {
      const message = (err as Error).message;
      const last = err instanceof UnrecoverableError || attempt >= ATTEMPTS;
      const status = /^answered (\d{3})$/.exec(message)?.[1];
      await record(last ? 'failed' : 'pending', status ? Number(status) : null, message);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
  }
}
