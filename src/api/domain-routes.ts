// An app's custom domains and its certificates: manual ones, automatic ones (ACME), and the HTTPS redirect.
import { Streamed, type Route } from './dispatch.js';
import { PaasError } from '../errors.js';
import { addDomain, removeDomain } from '../domains.js';
import { listDomains } from '../store/domains.js';
import { listCerts } from '../store/certificates.js';
import { certViews } from '../tls/cert-view.js';
import { addManualCert, disableAutoCerts, enableAutoCerts, hostnamesOf, removeCert, setHttpsRedirect } from '../tls/certificates.js';
import { app, appOf, appRowOf, field } from './route-helpers.js';

export const DOMAIN_ROUTES: Route[] = [
  { method: 'GET', pattern: app('/domains'), scope: 'app', handler: async (c) => listDomains(c.services.db, await appOf(c)) },
  { method: 'POST', pattern: app('/domains'), scope: 'app', handler: async (c) => addDomain(c.services, await appOf(c), String(field(c.body, 'host') ?? '')) },
  {
    method: 'DELETE',
    pattern: app('/domains/([^/]{1,253})'),
    scope: 'app',
    handler: async (c) => removeDomain(c.services, await appOf(c), c.params[1]!).then(() => ({ ok: true })),
  },
  {
    method: 'GET',
    pattern: app('/certs'),
    scope: 'app',
    handler: async (c) => {
      const row = await appRowOf(c);
      const { config, db } = c.services;
      const views = certViews(await hostnamesOf(c.services, row.name), await listCerts(db, row.name), new Date(), config.certsRenewDays);
      return { auto: row.certsAuto, redirect: row.httpsRedirect, directory: config.acmeDirectory, certificates: views };
    },
  },
  {
    method: 'POST',
    pattern: app('/certs/auto'),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      if (field(c.body, 'on') === false) return disableAutoCerts(c.services, name).then(() => ({ app: name, auto: false }));
      return new Streamed((write) => enableAutoCerts(c.services, name, write));
    },
  },
  {
    method: 'POST',
    pattern: app('/certs'),
    scope: 'app',
    handler: async (c) =>
      addManualCert(c.services, await appOf(c), String(field(c.body, 'cert') ?? ''), String(field(c.body, 'key') ?? '')).then((rows) =>
        rows.map((r) => r.host),
      ),
  },
  {
    method: 'DELETE',
    pattern: app('/certs/([^/]{1,253})'),
    scope: 'app',
    handler: async (c) => removeCert(c.services, await appOf(c), c.params[1]!).then(() => ({ ok: true })),
  },
  {
    method: 'PUT',
    pattern: app('/certs/redirect'),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      const on = field(c.body, 'on');
      if (typeof on !== 'boolean') throw new PaasError('PAAS_ERR_INVALID_INPUT', 'on must be true or false');
      await setHttpsRedirect(c.services, name, on);
      return { app: name, redirect: on };
    },
  },
];
