import test from 'ava';
import { appUrl, loadConfig } from '../../src/config.js';

test('defaults are the documented ones', (t) => {
  const config = loadConfig({}, {});
  t.like(config, { dataDir: '/var/lib/paas', sshPort: 2222, httpPort: 80, domain: 'localhost', redisUrl: undefined, databaseUrl: undefined });
  t.true(config.concurrency >= 1);
});

test('a flag wins over the environment, which wins over the default', (t) => {
  const env = { PAAS_SSH_PORT: '3333', PAAS_HTTP_PORT: '8080', PAAS_DOMAIN: 'apps.test', REDIS_URL: 'redis://r:6379' };
  t.like(loadConfig({ sshPort: '4444' }, env), { sshPort: 4444, httpPort: 8080, domain: 'apps.test', redisUrl: 'redis://r:6379' });
});

test('bad settings are refused with the setting named', (t) => {
  t.throws(() => loadConfig({ sshPort: 'abc' }, {}), { message: /--ssh-port must be a port number/ });
  t.throws(() => loadConfig({ httpPort: '70000' }, {}), { message: /--http-port/ });
  t.throws(() => loadConfig({ domain: 'bad domain' }, {}), { message: /domain must be a host name/ });
});

test('app URLs leave out port 80', (t) => {
  t.is(appUrl({ domain: 'localhost', httpPort: 80 }, 'web'), 'http://web.localhost');
  t.is(appUrl({ domain: 'localhost', httpPort: 8080 }, 'web'), 'http://web.localhost:8080');
});

test('HTTPS, ACME and API settings: documented defaults, named ACME directories, bad values refused', (t) => {
  t.like(loadConfig({}, {}), {
    httpsPort: 443,
    acmeDirectory: 'https://acme-v02.api.letsencrypt.org/directory',
    certsAutoDefault: false,
    certsRenewDays: 30,
    certsCheckSeconds: 43200,
    apiPort: undefined,
  });
  t.like(loadConfig({ httpsPort: '8443', apiPort: '9443' }, { PAAS_ACME_DIRECTORY: 'staging', PAAS_CERTS_AUTO: '1' }), {
    httpsPort: 8443,
    apiPort: 9443,
    acmeDirectory: 'https://acme-staging-v02.api.letsencrypt.org/directory',
    certsAutoDefault: true,
  });
  t.is(loadConfig({}, { PAAS_ACME_DIRECTORY: 'https://127.0.0.1:14000/dir' }).acmeDirectory, 'https://127.0.0.1:14000/dir');
  t.throws(() => loadConfig({}, { PAAS_ACME_DIRECTORY: 'letsencrypt' }), {
    message: /PAAS_ACME_DIRECTORY must be production, staging or an ACME directory URL/,
  });
  t.throws(() => loadConfig({}, { PAAS_CERTS_AUTO: 'yes' }), { message: /PAAS_CERTS_AUTO must be 1 or 0/ });
  t.throws(() => loadConfig({}, { PAAS_CERTS_RENEW_DAYS: '0' }), { message: /PAAS_CERTS_RENEW_DAYS/ });
});

test('the scheduler is docker unless swarm is asked for, which puts apps on overlay networks', (t) => {
  t.like(loadConfig({}, {}), { scheduler: 'docker', appNetworks: { pool: '10.231.0.0/16', driver: 'bridge' } });
  t.like(loadConfig({ scheduler: 'swarm' }, {}), { scheduler: 'swarm', appNetworks: { driver: 'overlay' }, registry: { url: undefined, port: 5000 } });
  t.like(loadConfig({}, { PAAS_SCHEDULER: 'swarm', PAAS_REGISTRY: 'registry.internal:5000' }), { registry: { url: 'registry.internal:5000' } });
  t.throws(() => loadConfig({ scheduler: 'k8s' }, {}), { message: /--scheduler \(PAAS_SCHEDULER\) must be docker or swarm/ });
  t.throws(() => loadConfig({}, { PAAS_REGISTRY: 'https://r/x' }), { message: /PAAS_REGISTRY must be HOST or HOST:PORT/ });
});
