import test from 'ava';
import { abortArgs, countAborted } from '../../../src/host/connections.js';

test("a dead replica's connections are aborted by address and port, and nothing but an address is passed to ss", (t) => {
  t.deepEqual(abortArgs('10.231.4.7', 5000), ['-K', '-t', 'dst', '10.231.4.7', 'dport', '=', '5000']);
  t.deepEqual(abortArgs('fd00::7', 80), ['-K', '-t', 'dst', 'fd00::7', 'dport', '=', '80']);
  t.is(abortArgs('10.231.4.7 or dst 0.0.0.0/0', 5000), undefined);
  t.is(abortArgs('web.1', 5000), undefined);
  t.is(abortArgs('10.231.4.7', 0), undefined);
  t.is(abortArgs('10.231.4.7', 70000), undefined);
});

test('the connections ss reports aborting are counted, its header line aside', (t) => {
  t.is(countAborted('State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n'), 0);
  t.is(
    countAborted(
      'State Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\nESTAB 0      0          127.0.0.1:60600    10.231.4.7:5000\nSYN-SENT 0 1 127.0.0.1:60604 10.231.4.7:5000\n',
    ),
    2,
  );
});
