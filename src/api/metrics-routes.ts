// GET /metrics: the daemon's and the data plane's numbers for Prometheus (admins only: a scrape token is an admin
// token, as `paas tokens:create prometheus` makes one).
import type { Registry } from 'prom-client';
import { Text, type Route } from './dispatch.js';
import type { Services } from '../services.js';
import { daemonRegistry, scrape } from '../metrics/prometheus.js';

/** One registry per daemon (its gauges are named once). */
const registries = new WeakMap<Services, Registry>();

export const METRICS_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/metrics$/,
    scope: 'admin',
    handler: async ({ services }) => {
      let registry = registries.get(services);
      if (!registry) registries.set(services, (registry = daemonRegistry(services)));
      return new Text(await scrape(services, registry), registry.contentType);
    },
  },
];
