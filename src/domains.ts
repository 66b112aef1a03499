// Custom domains of an app: recorded in the store and installed in the router's table at once.
import type { Services } from './services.js';
import { PaasError } from './errors.js';
import { checkHostname } from './router/hostname.js';
import { appForHost } from './router/route-table.js';
import { deleteDomain, findDomain, insertDomain, listDomains, type DomainRow } from './store/domains.js';
import { getApp } from './store/apps.js';
import { deleteCert } from './store/certificates.js';

/** Routes `host` to `app`; refused when another app has it, or when it is another app's own APP.<domain> name. */
export async function addDomain(services: Pick<Services, 'certs' | 'config' | 'dataPlane' | 'db'>, app: string, hostText: string): Promise<DomainRow> {
  const host = checkHostname(hostText);
  const existing = await findDomain(services.db, host);
  if (existing?.app === app) throw new PaasError('PAAS_ERR_DOMAIN_TAKEN', `${host} already routes to ${app}`);
  if (existing) throw new PaasError('PAAS_ERR_DOMAIN_TAKEN', `${host} is already used by another app`);
  const named = appForHost(host, services.config.domain);
  if (named !== undefined && named !== app) throw new PaasError('PAAS_ERR_DOMAIN_TAKEN', `${host} is the built-in hostname of app "${named}"`);
  const row = await insertDomain(services.db, host, app);
  await services.dataPlane.addHost(host, app);
  if ((await getApp(services.db, app)).certsAuto) await services.certs.queueRenewal(app, host);
  return row;
}

export async function removeDomain(services: Pick<Services, 'certs' | 'config' | 'dataPlane' | 'db'>, app: string, hostText: string): Promise<void> {
  const host = checkHostname(hostText);
  if (!(await deleteDomain(services.db, host, app))) throw new PaasError('PAAS_ERR_NOT_FOUND', `${host} is not a domain of ${app} (see: paas domains ${app})`);
  await services.dataPlane.removeHost(host);
  await deleteCert(services.db, host, app);
  await services.dataPlane.removeCertificate(host);
}

/** On daemon start: every recorded domain into the route table. */
export async function restoreDomains(services: Pick<Services, 'db' | 'dataPlane'>): Promise<void> {
  for (const domain of await listDomains(services.db)) await services.dataPlane.addHost(domain.host, domain.app);
}
