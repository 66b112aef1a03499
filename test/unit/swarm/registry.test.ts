import test from 'ava';
import YAML from 'yaml';
import { X509Certificate } from 'node:crypto';
import { pushFailure, pushSummary, registryAuth, registryRef, versionsToForget } from '../../../src/swarm/registry-push.js';
import { registryConfig } from '../../../src/swarm/registry-server.js';
import { createRegistryCa, createRegistryCert } from '../../../src/swarm/registry-tls.js';

test("a release image's registry reference sits in the app's own repository", (t) => {
  t.deepEqual(registryRef('10.0.0.1:5000', 'shop', 4), { repo: '10.0.0.1:5000/paas/app/shop', tag: 'v4', ref: '10.0.0.1:5000/paas/app/shop:v4' });
});

test('a push summary counts layers sent and layers the registry already had', (t) => {
  const events = [
    { status: 'Preparing', id: 'a' },
    { status: 'Layer already exists', id: 'a' },
    { status: 'Pushing', id: 'b' },
    { status: 'Pushed', id: 'b' },
    { status: 'Mounted from paas/app/other', id: 'c' },
    { status: 'v4: digest: sha256:1 size: 528' },
  ];
  t.deepEqual(pushSummary(events as never), { sent: 1, present: 2 });
});

test('registry credentials go with pushes only when there are some', (t) => {
  t.deepEqual(registryAuth({ address: 'r:5000', username: 'paas', password: 'pw' }), { username: 'paas', password: 'pw', serveraddress: 'r:5000' });
  t.is(registryAuth({ address: 'r:5000' }), undefined);
});

test('a refused push says in one line what to change: the credentials, or the CA the nodes trust', (t) => {
  const ref = 'reg.example:5000/paas/app/shop:v3';
  t.is(
    pushFailure(ref, 'reg.example:5000', 'unauthorized: authentication required'),
    'could not push reg.example:5000/paas/app/shop:v3 to the registry: unauthorized: authentication required (check PAAS_REGISTRY_USER and PAAS_REGISTRY_PASSWORD for reg.example:5000)',
  );
  t.regex(
    pushFailure(
      ref,
      'reg.example:5000',
      'Get "https://reg.example:5000/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority\nmore',
    ),
    /x509: certificate signed by unknown authority \(this host and every node must trust its CA in \/etc\/docker\/certs\.d\/reg\.example:5000\/ca\.crt\)$/,
  );
  t.is(pushFailure(ref, 'reg.example:5000', 'connection refused'), 'could not push reg.example:5000/paas/app/shop:v3 to the registry: connection refused');
});

test('the registry listens with TLS and a password file, and allows deletes for garbage collection', (t) => {
  const config = YAML.parse(registryConfig('/d/registry', '172.17.0.1:5000'));
  t.is(config.http.addr, '172.17.0.1:5000');
  t.deepEqual(config.http.tls, { certificate: '/d/registry/server.crt', key: '/d/registry/server.key' });
  t.is(config.auth.htpasswd.path, '/d/registry/htpasswd');
  t.is(config.storage.filesystem.rootdirectory, '/d/registry/data');
  t.true(config.storage.delete.enabled);
});

test("the registry's certificate is for its address and signed by the daemon's CA", async (t) => {
  const ca = await createRegistryCa();
  const cert = await createRegistryCert(ca, '172.17.0.1');
  const caX509 = new X509Certificate(ca.certPem);
  const x509 = new X509Certificate(cert.certPem);
  t.true(caX509.ca);
  t.true(x509.verify(caX509.publicKey));
  t.true(x509.checkIssued(caX509));
  t.is(x509.checkIP('172.17.0.1'), '172.17.0.1');
  t.is(x509.checkIP('172.17.0.2'), undefined);
  t.regex(cert.keyPem, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
});

test("a collection also deletes the registry's tags an earlier one failed to, never a kept release's or a newer one's", (t) => {
  // Releases 1 and 2 were collected before, but the registry was away; 3 is collected now; 4 to 8 are kept.
  t.deepEqual(versionsToForget(['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'latest'], [3], [4, 5, 6, 7, 8]), [1, 2, 3]);
  // A tag newer than every release known here (pushed by a deploy this collection does not know of) stays.
  t.deepEqual(versionsToForget(['v3', 'v9'], [3], [4, 5]), [3]);
  // apps:destroy forgets every release and keeps none.
  t.deepEqual(versionsToForget(['v1', 'v2'], [1, 2], []), [1, 2]);
  t.deepEqual(versionsToForget([], [3], [4]), [3]);
});
