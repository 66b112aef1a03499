import test from 'ava';
import { parseAddresses, parseRouteDestinations } from '../../../src/host/addresses.js';
import { routesVia } from '../../../src/host/routes.js';
import { freeSubnet } from '../../../src/docker/subnets.js';

const ROUTES = JSON.stringify([
  { dst: 'default', gateway: '192.0.2.1', dev: 'eth0' },
  { dst: '10.231.2.0/24', gateway: '10.231.1.2', dev: 'br-1' },
  { dst: '10.231.1.0/24', dev: 'br-1', protocol: 'kernel', scope: 'link' },
  { type: 'blackhole', dst: '10.231.0.0/24' },
  { type: 'local', dst: '10.231.1.1', dev: 'br-1', table: 'local' },
  { type: 'broadcast', dst: '10.231.1.255', dev: 'br-1', table: 'local' },
  { dst: 'fe80::/64', dev: 'eth0' },
]);

test("the host's routes are read as IPv4 ranges, the default and broadcast routes left out", (t) => {
  t.deepEqual(parseRouteDestinations(ROUTES), ['10.231.2.0/24', '10.231.1.0/24', '10.231.0.0/24', '10.231.1.1/32']);
});

test('a subnet the host already routes (a Swarm run left a route through its gateway) is never handed to an app', (t) => {
  t.is(freeSubnet('10.231.0.0/16', []), '10.231.0.0/24');
  t.is(freeSubnet('10.231.0.0/16', parseRouteDestinations(ROUTES)), '10.231.3.0/24');
});

test('every address of every interface is read, down ones included, with its prefix', (t) => {
  const json = JSON.stringify([
    {
      ifname: 'lo',
      addr_info: [
        { family: 'inet', local: '127.0.0.1', prefixlen: 8 },
        { family: 'inet6', local: '::1', prefixlen: 128 },
      ],
    },
    { ifname: 'docker0', flags: ['NO-CARRIER', 'BROADCAST', 'UP'], addr_info: [{ family: 'inet', local: '172.17.0.1', prefixlen: 16 }] },
    { ifname: 'dummy0', addr_info: [] },
  ]);
  t.deepEqual(parseAddresses(json), [
    { address: '127.0.0.1', prefix: 8 },
    { address: '::1', prefix: 128 },
    { address: '172.17.0.1', prefix: 16 },
  ]);
});

test('the routes through a gateway are found by its address alone', (t) => {
  t.deepEqual(routesVia(ROUTES, '10.231.1.2'), ['10.231.2.0/24']);
  t.deepEqual(routesVia(ROUTES, '10.231.1.3'), []);
});
