import test from 'ava';
import { renderConfig, serverName, staticMark, serverOptions } from '../../../../src/router/haproxy/haproxy-config.js';
import { haproxyPaths } from '../../../../src/router/haproxy/haproxy-process.js';

test("a replica keeps its server across daemons, and one back at a new address gets a new server, not the old one's connections", (t) => {
  const replica = { id: '0123456789abcdef0123', url: 'http://10.231.0.5:5000' };
  t.is(serverName(replica), 'r-0123456789abcdef-10.231.0.5_5000');
  t.is(serverName({ ...replica }), serverName(replica));
  t.not(serverName({ ...replica, url: 'http://10.231.0.9:5000' }), serverName(replica));
  t.not(serverName({ ...replica, url: 'http://10.231.0.5:5001' }), serverName(replica));
  t.regex(serverName({ id: '', url: 'http://[::1]:80' }), /^[a-zA-Z0-9._-]+$/, 'only characters HAProxy takes in a name');
});

test('the configuration fingerprints its routing-independent part on its first line: routes leave it, a frontend change moves it', (t) => {
  const paths = haproxyPaths('/srv/paas');
  const listen = { httpPort: 80, httpsPort: 443, upstreamTimeoutMs: 60_000 };
  const empty = { apps: new Map(), hosts: new Map(), redirects: new Set<string>(), certFiles: [] };
  const routed = {
    apps: new Map([['shop', { targets: [{ url: 'http://10.231.0.5:5000', id: 'a'.repeat(16), container: 'c', release: 1 }] }]]),
    hosts: new Map([['shop.localhost', 'shop']]),
    redirects: new Set<string>(),
    certFiles: [],
  };
  const mark = staticMark(renderConfig(paths, listen, empty));
  t.regex(mark, /^# paas static [0-9a-f]{16}$/);
  t.is(staticMark(renderConfig(paths, listen, routed)), mark, 'routes do not move it');
  t.not(staticMark(renderConfig(paths, { ...listen, httpsPort: 8443 }, empty)), mark, 'the frontend does');
  t.is(staticMark('global\n  maxconn 100\n'), '', 'a file an older daemon wrote has none');
});

test('an h2c target is its own server (a protocol change is a new server) spoken to in HTTP/2', (t) => {
  const plain = { url: 'http://10.0.0.5:5000', id: 'abcdef0123456789ffff' };
  const h2c = { ...plain, protocol: 'h2c' as const };
  t.not(serverName(h2c), serverName(plain));
  t.regex(serverOptions(h2c), / proto h2$/);
  t.notRegex(serverOptions({}), /proto/);
});
