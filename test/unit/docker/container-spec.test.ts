import test from 'ava';
import { containerName, containerSpec } from '../../../src/docker/container-spec.js';
import { choosePort } from '../../../src/release/app-port.js';

test('the port is ports:set’s, else a PORT config var, else the single exposed port, else 5000', (t) => {
  t.is(choosePort({ exposed: [] }).port, 5000);
  t.is(choosePort({ exposed: [8080] }).port, 8080);
  t.is(choosePort({ exposed: [80, 443] }).port, 5000);
  t.deepEqual(choosePort({ exposed: [8080], config: { PORT: '3000' } }), { port: 3000, from: 'config' });
  t.deepEqual(choosePort({ exposed: [8080], config: { PORT: '3000' }, ports: [{ scheme: 'http', host: 80, container: 4000 }] }), { port: 4000, from: 'ports' });
  t.deepEqual(choosePort({ exposed: [], config: { PORT: 'x' } }), { port: 5000, from: 'default' });
});

test('containers are named and labelled for app, release and process', (t) => {
  t.is(containerName('shop', 'web', 3, 1), 'paas.shop.web.v3.1');
  const spec = containerSpec({ app: 'shop', process: 'web', version: 3, index: 1, image: 'sha256:abc', port: 8080 });
  t.is(spec.name, 'paas.shop.web.v3.1');
  t.deepEqual(spec.Env, ['PORT=8080', 'DYNO=web.1', 'PAAS_APP_NAME=shop', 'PAAS_RELEASE_VERSION=v3']);
  t.like(spec.Labels, { 'paas.app': 'shop', 'paas.release': '3', 'paas.process': 'web', 'paas.port': '8080' });
  t.is(spec.HostConfig?.RestartPolicy?.Name, 'unless-stopped');
  t.is(spec.HostConfig?.NetworkMode, 'paas.shop', "on the app's own network");
});

test("Heroku's dyno metadata comes after the config: an app's own DYNO or PORT cannot stand in for the platform's", (t) => {
  const spec = containerSpec({ app: 'shop', process: 'worker', version: 7, index: 2, image: 'sha256:abc', port: 5000, config: { DYNO: 'fake', PORT: '1' } });
  const env = spec.Env!;
  t.is(env.filter((e) => e.startsWith('DYNO=')).at(-1), 'DYNO=worker.2', 'the last one wins in Docker');
  t.is(env.filter((e) => e.startsWith('PORT=')).at(-1), 'PORT=5000');
});
