// Certificates of an app: obtained through ACME for its hostnames (certs:auto, renewals), or installed by hand
// (certs:add). Every change goes to the store and into the router's SNI contexts at once.
import type { Services } from '../services.js';
import { PaasError } from '../errors.js';
import { STEP, DETAIL, ERROR } from '../log.js';
import { getApp, listApps, setAppTls } from '../store/apps.js';
import { listDomains } from '../store/domains.js';
import { deleteCert, findCert, listCerts, saveCert, saveCertError, type CertRow } from '../store/certificates.js';
import { obtainCertificate } from './acme.js';
import { certInfo, checkCertPair, dueHosts } from './cert-info.js';
import { appHostnames } from './hostnames.js';
import { faultPoint } from '../fault-point.js';

export async function hostnamesOf(services: Pick<Services, 'db' | 'config'>, app: string): Promise<string[]> {
  return appHostnames(
    app,
    services.config.domain,
    (await listDomains(services.db, app)).map((d) => d.host),
  );
}

/** Obtains and installs a certificate for `host` of `app`; a failure is recorded (the old certificate keeps serving) and thrown. */
export async function issueCertificate(services: Pick<Services, 'db' | 'config' | 'dataPlane'>, app: string, host: string): Promise<CertRow> {
  const { config } = services;
  try {
    const { certPem, keyPem } = await obtainCertificate(
      services.db,
      { directoryUrl: config.acmeDirectory, email: config.acmeEmail, caFile: config.acmeCaFile, dataDir: config.dataDir },
      host,
      services.dataPlane,
    );
    const info = certInfo(certPem);
    await services.dataPlane.installCertificate(host, certPem, keyPem);
    // Killed here, the router serves a certificate the store does not name: the next daemon installs the stored one
    // (still valid: renewals start well before expiry) and renews again.
    faultPoint(config, 'cert-installed');
    await saveCert(services.db, { host, app, source: 'acme', certPem, keyPem, issuer: info.issuer, notAfter: info.notAfter });
  } catch (err) {
    const message = err instanceof PaasError ? err.message : `no certificate for ${host}: ${(err as Error).message}`;
    await saveCertError(services.db, host, app, message);
    throw err instanceof PaasError ? err : new PaasError('PAAS_ERR_ACME', message, { cause: err });
  }
  return (await findCert(services.db, host))!;
}

/** `certs:auto APP`: turns automatic certificates on and obtains the missing ones now, line by line. */
export async function enableAutoCerts(services: Pick<Services, 'config' | 'dataPlane' | 'db'>, app: string, write: (line: string) => void): Promise<number> {
  await setAppTls(services.db, app, { certsAuto: true });
  const hosts = await hostnamesOf(services, app);
  if (hosts.length === 0) {
    write(`${STEP}Automatic certificates on for ${app}; it has no public hostname yet (add one with: paas domains:add ${app} HOST)`);
    return 0;
  }
  const existing = await listCerts(services.db, app);
  const due = dueHosts(hosts, existing, new Date(), services.config.certsRenewDays);
  let failed = 0;
  for (const host of hosts) {
    if (!due.includes(host)) {
      const current = existing.find((c) => c.host === host)!;
      write(`${STEP}${host}: ${current.source === 'manual' ? 'installed by hand' : 'certificate'} valid until ${current.notAfter} (${current.issuer})`);
      continue;
    }
    write(`${STEP}Obtaining a certificate for ${host} from ${new URL(services.config.acmeDirectory).host}`);
    try {
      const cert = await issueCertificate(services, app, host);
      write(`${DETAIL}issued by ${cert.issuer}, valid until ${cert.notAfter}`);
    } catch (err) {
      failed++;
      write(`${ERROR}${(err as Error).message}`);
    }
  }
  write(
    failed
      ? `${ERROR}${failed} of ${hosts.length} hostname(s) have no certificate; they keep serving over HTTP (see: paas certs ${app})`
      : `${STEP}HTTPS ready for ${hosts.join(', ')}`,
  );
  return failed ? 1 : 0;
}

/** `certs:auto APP --off`: no more ACME orders or renewals; installed certificates keep serving until removed. */
export async function disableAutoCerts(services: Pick<Services, 'config' | 'dataPlane' | 'db'>, app: string): Promise<void> {
  await setAppTls(services.db, app, { certsAuto: false });
}

/** `certs:add APP`: installs a certificate and key by hand for the app's hostnames it covers. */
export async function addManualCert(services: Pick<Services, 'config' | 'dataPlane' | 'db'>, app: string, certPem: string, keyPem: string): Promise<CertRow[]> {
  const info = certInfo(certPem);
  const appHosts = [...(await listDomains(services.db, app)).map((d) => d.host), `${app}.${services.config.domain}`];
  const hosts = appHosts.filter((h) => info.hosts.includes(h));
  if (hosts.length === 0) {
    throw new PaasError(
      'PAAS_ERR_INVALID_CERT',
      `the certificate covers ${info.hosts.join(', ') || 'no DNS names'}, none of which is a hostname of ${app} (add one with: paas domains:add ${app} HOST)`,
    );
  }
  for (const host of hosts) checkCertPair(certPem, keyPem, host);
  for (const host of hosts) {
    await services.dataPlane.installCertificate(host, certPem, keyPem);
    await saveCert(services.db, { host, app, source: 'manual', certPem, keyPem, issuer: info.issuer, notAfter: info.notAfter });
  }
  return (await listCerts(services.db, app)).filter((c) => hosts.includes(c.host));
}

export async function removeCert(services: Pick<Services, 'db' | 'dataPlane'>, app: string, host: string): Promise<void> {
  if (!(await deleteCert(services.db, host, app))) throw new PaasError('PAAS_ERR_NOT_FOUND', `${app} has no certificate for ${host} (see: paas certs ${app})`);
  await services.dataPlane.removeCertificate(host);
}

/** `certs:redirect APP on|off`. */
export async function setHttpsRedirect(services: Pick<Services, 'db' | 'dataPlane'>, app: string, on: boolean): Promise<void> {
  await getApp(services.db, app);
  await setAppTls(services.db, app, { httpsRedirect: on });
  await services.dataPlane.setHttpsRedirect(app, on);
}

/** On daemon start: every stored certificate into the SNI contexts, every redirect into the route table. */
export async function restoreCertificates(services: Pick<Services, 'db' | 'dataPlane'>): Promise<void> {
  for (const cert of await listCerts(services.db))
    if (cert.certPem && cert.keyPem) await services.dataPlane.installCertificate(cert.host, cert.certPem, cert.keyPem);
  for (const app of await listApps(services.db)) if (app.httpsRedirect) await services.dataPlane.setHttpsRedirect(app.name, true);
}
