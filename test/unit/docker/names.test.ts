import test from 'ava';
import {
  appNetworkName,
  ciImageTag,
  ciNetworkName,
  containerName,
  depsImageName,
  imageTag,
  isDepsTag,
  oneOffName,
  serviceName,
  volumeName,
} from '../../../src/docker/names.js';
import { freeSubnet, parseCidr } from '../../../src/docker/subnets.js';

/** The app an object name belongs to: the field after "paas." (no app name contains a dot). */
const appOf = (name: string) => name.split('.')[1];

test('names of two apps never meet, even when app names and process types contain dashes', (t) => {
  // App "x" with process type "y-web" against app "x-y" with type "web": once the same container name.
  t.not(containerName('x', 'y-web', 4, 1), containerName('x-y', 'web', 4, 1));
  t.not(volumeName('x', 'y-data'), volumeName('x-y', 'data'));
  t.not(ciNetworkName('x', 12), ciNetworkName('x-1', 2));
  t.not(appNetworkName('x'), appNetworkName('x-y'));
  t.is(appOf(containerName('x', 'y-web', 4, 1)), 'x');
  t.is(appOf(volumeName('x-y', 'data.v1')), 'x-y');
  t.is(appOf(oneOffName('x', '42')), 'x');
  t.is(appOf(ciNetworkName('x-y', 3)), 'x-y');
});

test("every image of an app is a tag in its own repository, so another app's images are never its deps", (t) => {
  t.is(imageTag('shop', 3).ref, 'paas/app/shop:v3');
  t.is(depsImageName('shop', 'abc'), 'paas/app/shop:deps-abc');
  t.is(ciImageTag('shop', '0123456789abcdef'), 'paas/app/shop:ci-0123456789ab');
  t.true(isDepsTag('x', depsImageName('x', 'abc')));
  // App "x-deps" has the repository paas/app/x-deps: none of its tags are x's dependency images.
  t.false(isDepsTag('x', imageTag('x-deps', 1).ref));
  t.false(isDepsTag('x', depsImageName('x-deps', 'abc')));
  t.false(isDepsTag('x', imageTag('x', 1).ref));
});

test('app networks take the first /24 of the pool that no network overlaps', (t) => {
  t.is(freeSubnet('10.231.0.0/16', []), '10.231.0.0/24');
  t.is(freeSubnet('10.231.0.0/16', ['10.231.0.0/24', '172.17.0.0/16', 'fd00::/64']), '10.231.1.0/24');
  t.is(freeSubnet('10.231.0.0/16', ['10.231.0.0/23']), '10.231.2.0/24');
  t.is(freeSubnet('10.231.0.0/16', ['10.0.0.0/8']), undefined, 'a network covering the pool leaves nothing');
  t.is(freeSubnet('10.231.0.0/24', ['10.231.0.0/24']), undefined);
  t.deepEqual(parseCidr('10.231.7.9/16'), { start: parseCidr('10.231.0.0/16').start, size: 65536 });
  t.throws(() => parseCidr('10.231.0.0'), { message: /IPv4 range/ });
  t.throws(() => parseCidr('300.1.1.1/16'), { message: /IPv4/ });
});

test('service names are DNS labels, and two apps whose names differ only in where a dash falls never share one', (t) => {
  const a = serviceName('x', 'y-web', 4, 1);
  const b = serviceName('x-y', 'web', 4, 1);
  t.not(a, b);
  for (const name of [a, b, serviceName('a'.repeat(63), 'worker-long-name', 1000, 12, '-next')]) {
    t.regex(name, /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/);
    t.true(name.length <= 63, name);
  }
  t.not(serviceName('x', 'web', 1, 1), serviceName('x', 'web', 1, 1, '-next'));
});
