// The daemon's numbers in Prometheus text format (prom-client), read from the store, the queues and the replica
// samples at each scrape, followed by the data plane's own (HAProxy's exporter: requests, status classes,
// response times and sessions per app backend and per replica server). Served at GET /metrics to admins.
import { Gauge, Registry } from 'prom-client';
import type { Services } from '../services.js';
import { listApps } from '../store/apps.js';
import { daemonLog } from '../log.js';

type Deps = Pick<Services, 'db' | 'queues' | 'ciQueues' | 'metrics' | 'dataPlane'>;

const seconds = (from: unknown, to: unknown) =>
  typeof from === 'string' && typeof to === 'string' ? Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000) : 0;

/** A registry whose gauges read `services` when scraped. */
export function daemonRegistry(services: Deps): Registry {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => Promise<void>) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        await collect(this);
      },
    });
  gauge('paas_apps', 'Apps on this host', [], async (g) => g.set((await listApps(services.db)).length));
  gauge('paas_releases', 'Releases by status', ['status'], async (g) => {
    for (const row of (await services.db('releases').select('status').count({ n: '*' }).groupBy('status')) as { status: string; n: number }[])
      g.set({ status: row.status }, Number(row.n));
  });
  const jobs = (table: 'builds' | 'ci_runs', what: string, start: string) => {
    const rows = () => services.db(table).select('app', 'status', start, 'finished_at') as Promise<Record<string, unknown>[]>;
    gauge(`paas_${what}_total`, `${what === 'builds' ? 'Builds' : 'CI runs'} by app and result`, ['app', 'status'], async (g) => {
      for (const row of await rows()) g.inc({ app: String(row.app), status: String(row.status) });
    });
    gauge(
      `paas_${what}_seconds_total`,
      `Time spent in finished ${what === 'builds' ? 'builds' : 'CI runs'} by app and result`,
      ['app', 'status'],
      async (g) => {
        for (const row of await rows()) if (row.finished_at) g.inc({ app: String(row.app), status: String(row.status) }, seconds(row[start], row.finished_at));
      },
    );
  };
  jobs('builds', 'builds', 'started_at');
  jobs('ci_runs', 'ci_runs', 'created_at');
  gauge('paas_queue_jobs', "Jobs in each app's queues, by queue and state", ['app', 'queue', 'state'], async (g) => {
    for (const app of await listApps(services.db))
      for (const [queue, queues] of [
        ['deploy', services.queues],
        ['ci', services.ciQueues],
      ] as const) {
        const depth = await queues.depth(app.name).catch(() => undefined);
        if (!depth) continue;
        g.set({ app: app.name, queue, state: 'waiting' }, depth.waiting);
        g.set({ app: app.name, queue, state: 'active' }, depth.active);
      }
  });
  gauge('paas_replica_cpu_percent', 'Percent of one CPU each replica used at its last sample', ['app', 'container'], async (g) => {
    for (const { container, app, sample } of services.metrics.latestAll()) g.set({ app, container }, sample.cpuPercent);
  });
  gauge('paas_replica_memory_bytes', "Each replica's memory at its last sample", ['app', 'container'], async (g) => {
    for (const { container, app, sample } of services.metrics.latestAll()) g.set({ app, container }, sample.memoryBytes);
  });
  return registry;
}

/** The whole scrape: the daemon's metrics, then the data plane's (left out, with a log line, when it cannot be read). */
export async function scrape(services: Deps, registry: Registry): Promise<string> {
  const own = await registry.metrics();
  const plane = await services.dataPlane.metricsText?.().catch((err: unknown) => {
    daemonLog('metrics.data_plane.error', { error: err });
    return '';
  });
  return plane ? `${own}\n${plane}` : own;
}
