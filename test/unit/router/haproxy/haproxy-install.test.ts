import test from 'ava';
import { haproxyBinary, isHaproxyCmdline } from '../../../../src/router/haproxy/haproxy-install.js';

test('the data plane runs the relocated HAProxy 3.0 unless PAAS_HAPROXY_BIN names another', (t) => {
  t.is(haproxyBinary({}), '/opt/paas/haproxy-3.0/sbin/haproxy');
  t.is(haproxyBinary({ PAAS_HAPROXY_BIN: '/usr/sbin/haproxy' }), '/usr/sbin/haproxy');
});

test('a process is an HAProxy by its program’s name, wherever it lives; a lookalike argument is not', (t) => {
  t.true(isHaproxyCmdline('/opt/paas/haproxy-3.0/sbin/haproxy\0-W\0-S\0/x/master.sock'));
  t.true(isHaproxyCmdline('haproxy\0-sf\x00123'));
  t.false(isHaproxyCmdline('/usr/bin/node\0/tmp/haproxy'));
  t.false(isHaproxyCmdline('/usr/sbin/haproxy-lookalike\0-W'));
});
