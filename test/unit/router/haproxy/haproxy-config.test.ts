import test from 'ava';
import { serverName } from '../../../../src/router/haproxy/haproxy-config.js';

test("a replica keeps its server across daemons, and one back at a new address gets a new server, not the old one's connections", (t) => {
  const replica = { id: '0123456789abcdef0123', url: 'http://10.231.0.5:5000' };
  t.is(serverName(replica), 'r-0123456789abcdef-10.231.0.5_5000');
  t.is(serverName({ ...replica }), serverName(replica));
  t.not(serverName({ ...replica, url: 'http://10.231.0.9:5000' }), serverName(replica));
  t.not(serverName({ ...replica, url: 'http://10.231.0.5:5001' }), serverName(replica));
  t.regex(serverName({ id: '', url: 'http://[::1]:80' }), /^[a-zA-Z0-9._-]+$/, 'only characters HAProxy takes in a name');
});
