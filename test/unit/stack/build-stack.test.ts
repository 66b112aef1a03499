import test from 'ava';
import { debootstrapArgs, debootstrapProgress } from '../../../src/stack/build-stack.js';

test('the stack is a minbase bookworm with CA certificates and busybox', (t) => {
  t.deepEqual(debootstrapArgs('/tmp/root', 'http://deb.debian.org/debian'), [
    '--variant=minbase',
    '--include=ca-certificates,busybox',
    'bookworm',
    '/tmp/root',
    'http://deb.debian.org/debian',
  ]);
});

test('debootstrap progress shows phases and problems, not every package', (t) => {
  t.true(debootstrapProgress('I: Installing core packages...'));
  t.true(debootstrapProgress("E: Couldn't download release file"));
  t.false(debootstrapProgress('I: Retrieving libc6 2.36-9'));
  t.false(debootstrapProgress('I: Extracting bash...'));
});
