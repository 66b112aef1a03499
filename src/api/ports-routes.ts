// ports:report, ports:set, ports:clear (Dokku's ports): the app's port mappings, and the port its web process
// listens on now and where that comes from.
import { PaasError } from '../errors.js';
import { Streamed, type Route } from './dispatch.js';
import { activeRelease } from '../store/releases.js';
import { parsePortMappings, formatPortMappings } from '../input/ports.js';
import { configPort } from '../release/app-port.js';
import { submitPorts } from '../jobs/ports.js';
import { app, app0, appOf, appRowOf, field } from './route-helpers.js';

export const PORTS_ROUTES: Route[] = [
  {
    // apps:upstream APP h2c|http1: how the router talks to the app's web replicas.
    method: 'POST',
    pattern: app('/upstream'),
    audit: (c) => `apps:upstream ${app0(c)} ${String(field(c.body, 'protocol') ?? '')}`,
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      const protocol = field(c.body, 'protocol');
      if (protocol !== 'h2c' && protocol !== 'http1')
        throw new PaasError('PAAS_ERR_INVALID_INPUT', 'the upstream protocol is h2c (HTTP/2 without TLS, for gRPC servers) or http1');
      if (protocol === 'h2c' && !c.services.dataPlane.speaksH2c) {
        throw new PaasError('PAAS_ERR_INVALID_INPUT', 'this router cannot speak HTTP/2 to apps: h2c needs the HAProxy data plane (--router haproxy)');
      }
      const upstream = protocol === 'h2c' ? 'h2c' : null;
      return new Streamed((write, signal) => submitPorts(c.services, name, { upstream }, write, signal));
    },
  },
  {
    method: 'GET',
    pattern: app('/ports'),
    scope: 'app',
    handler: async (c) => {
      const row = await appRowOf(c);
      const release = await activeRelease(c.services.db, row.name);
      const from = row.ports ? 'ports:set' : configPort(row.config) !== undefined ? 'PORT config var' : 'the image (EXPOSE) or the default';
      return {
        app: row.name,
        ports: row.ports,
        mappings: row.ports ? formatPortMappings(row.ports) : null,
        listening: release?.spec.port ?? null,
        from,
        upstream: release?.spec.upstream ?? row.upstream ?? 'http1',
      };
    },
  },
  {
    method: 'POST',
    pattern: app('/ports'),
    audit: (c) =>
      `ports:${field(c.body, 'clear') === true ? 'clear' : 'set'} ${app0(c)} ${((field(c.body, 'ports') as unknown[] | undefined) ?? []).map(String).join(' ')}`.trim(),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      const clear = field(c.body, 'clear') === true;
      const words = field(c.body, 'ports');
      if (!clear && (!Array.isArray(words) || words.some((w) => typeof w !== 'string'))) {
        throw new PaasError('PAAS_ERR_INVALID_INPUT', 'ports must be a list of SCHEME:HOST-PORT:CONTAINER-PORT');
      }
      const ports = clear ? null : parsePortMappings(words as string[]);
      return new Streamed((write, signal) => submitPorts(c.services, name, { ports }, write, signal));
    },
  },
];
