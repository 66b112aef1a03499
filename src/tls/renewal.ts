// Renewal: a repeatable BullMQ job looks at every app with automatic certificates and queues one renewal per
// hostname that has no certificate or expires within the renewal window; a failed renewal is retried with
// exponential backoff, recorded for `paas certs`, and the current certificate keeps serving meanwhile.
import { Queue, Worker } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import type { Services } from '../services.js';
import type { Config } from '../config.js';
import { listApps } from '../store/apps.js';
import { listCerts } from '../store/certificates.js';
import { daemonLog } from '../log.js';
import { dueHosts } from './cert-info.js';
import { hostnamesOf, issueCertificate } from './certificates.js';

const QUEUE = 'certs';
const ATTEMPTS = 5;

export type CertJob = { kind: 'scan' } | { kind: 'renew'; app: string; host: string };

export class CertRenewals {
  private readonly queue: Queue<CertJob>;
  private readonly worker: Worker<CertJob>;

  constructor(
    connection: RedisOptions,
    private readonly settings: Pick<Config, 'certsCheckSeconds' | 'certsRetrySeconds'>,
    process: (job: CertJob, renewals: CertRenewals) => Promise<void>,
  ) {
    this.queue = new Queue<CertJob>(QUEUE, { connection });
    this.queue.on('error', () => {});
    // A renewal cut short by a kill holds its hostname's job id until BullMQ sees it stalled: a short lock (renewed
    // while the order runs) lets the next daemon take it up within seconds rather than a minute.
    this.worker = new Worker<CertJob>(QUEUE, (job) => process(job.data, this), {
      connection,
      concurrency: 1,
      lockDuration: 10_000,
      stalledInterval: 5_000,
    });
    this.worker.on('error', (err) => daemonLog('certs.worker.error', { error: err }));
    this.worker.on('failed', (job, err) => {
      if (job?.data.kind === 'renew') daemonLog('certs.renew.failed', { host: job.data.host, attempt: job.attemptsMade, of: ATTEMPTS, error: err.message });
    });
  }

  /** Schedules the check every PAAS_CERTS_CHECK_INTERVAL seconds (BullMQ runs the first one at once). */
  async start(): Promise<void> {
    await this.queue.upsertJobScheduler('scan', { every: this.settings.certsCheckSeconds * 1000 }, { name: 'scan', data: { kind: 'scan' } });
  }

  /** Queues (once per hostname at a time) an order for `host`, retried with exponential backoff. */
  async queueRenewal(app: string, host: string): Promise<void> {
    await this.queue.add(
      'renew',
      { kind: 'renew', app, host },
      {
        jobId: `renew-${host}`,
        attempts: ATTEMPTS,
        backoff: { type: 'exponential', delay: this.settings.certsRetrySeconds * 1000 },
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
  }
}

/** One job: a renewal of one hostname, or the scan that queues the renewals due. */
export async function renewalJob(services: Pick<Services, 'db' | 'config' | 'dataPlane'>, data: CertJob, renewals: CertRenewals): Promise<void> {
  if (data.kind === 'renew') {
    await issueCertificate(services, data.app, data.host);
    daemonLog('certs.renewed', { app: data.app, host: data.host });
    return;
  }
  const { config, db } = services;
  for (const app of (await listApps(db)).filter((a) => a.certsAuto)) {
    const due = dueHosts(await hostnamesOf(services, app.name), await listCerts(db, app.name), new Date(), config.certsRenewDays);
    for (const host of due) await renewals.queueRenewal(app.name, host);
  }
}
