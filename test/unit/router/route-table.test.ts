import test from 'ava';
import { RouteTable, appForHost } from '../../../src/router/route-table.js';
import { pickOther } from '../../../src/router/proxy.js';
import { checkHostname } from '../../../src/router/hostname.js';

test('the app comes from APP.<domain>, with or without a port', (t) => {
  t.is(appForHost('myapp.localhost', 'localhost'), 'myapp');
  t.is(appForHost('MyApp.LocalHost:8080', 'localhost'), 'myapp');
  t.is(appForHost('web.paas.example.com', 'paas.example.com'), 'web');
  t.is(appForHost('localhost', 'localhost'), undefined);
  t.is(appForHost('a.b.localhost', 'localhost'), undefined);
  t.is(appForHost('myapp.example.org', 'localhost'), undefined);
  t.is(appForHost(undefined, 'localhost'), undefined);
});

test('swap replaces all targets at once, and round robin spreads requests', (t) => {
  const table = new RouteTable();
  const target = (n: number) => ({ url: `http://10.0.0.${n}:5000`, container: `c${n}`, release: 1 });
  table.swap('app', [target(1), target(2)]);
  t.deepEqual([table.pick('app')?.container, table.pick('app')?.container, table.pick('app')?.container], ['c1', 'c2', 'c1']);
  table.swap('app', [target(3)]);
  t.deepEqual(
    table.targets('app').map((x) => x.container),
    ['c3'],
  );
  table.swap('app', []);
  t.is(table.pick('app'), undefined);
  t.deepEqual(table.apps(), []);
});

test('custom hostnames route to their app before APP.<domain>; removing an app forgets them', (t) => {
  const table = new RouteTable();
  table.addHost('www.example.com', 'shop');
  t.is(table.appFor('WWW.Example.com:8080', 'localhost'), 'shop');
  t.is(table.appFor('blog.localhost', 'localhost'), 'blog');
  t.is(table.appFor('other.example.com', 'localhost'), undefined);
  table.remove('shop');
  t.is(table.appFor('www.example.com', 'localhost'), undefined);
});

test('domains:add takes DNS names only', (t) => {
  t.is(checkHostname('WWW.Example.COM.'), 'www.example.com');
  for (const bad of ['localhost', '10.0.0.1', 'a..b', '-a.com', 'a b.com', 'x'.repeat(64) + '.com', '*.example.com']) {
    t.throws(() => checkHostname(bad), { message: /invalid hostname/ }, bad);
  }
});

test('least connections: a busy target gets fewer new requests; equal ones take turns; retries avoid the failed one', (t) => {
  const table = new RouteTable();
  const target = (n: number) => ({ url: `http://10.0.0.${n}:5000`, container: `c${n}`, release: 1 });
  table.swap('app', [target(1), target(2), target(3)]);
  const busy: Record<string, number> = { 'http://10.0.0.1:5000': 5, 'http://10.0.0.2:5000': 0, 'http://10.0.0.3:5000': 0 };
  const load = (url: string) => busy[url] ?? 0;
  t.deepEqual(
    [1, 2, 3, 4].map(() => table.pick('app', load)?.container),
    ['c2', 'c3', 'c2', 'c3'],
  );
  busy['http://10.0.0.1:5000'] = 0;
  busy['http://10.0.0.2:5000'] = 2;
  t.is(table.pick('app', load)?.container, 'c1');
  t.is(pickOther(table, 'app', 'http://10.0.0.3:5000', load)?.container, 'c1');
  t.is(pickOther(table, 'app', 'http://10.0.0.1:5000', load)?.container, 'c3');
  table.swap('app', [target(1)]);
  t.is(pickOther(table, 'app', 'http://10.0.0.1:5000', load), undefined);
});

test('a stopped app is known as stopped until it has targets again', (t) => {
  const table = new RouteTable();
  table.markStopped('app');
  t.true(table.isStopped('app'));
  table.swap('app', [{ url: 'http://10.0.0.1:5000', container: 'c1', release: 1 }]);
  t.false(table.isStopped('app'));
});
