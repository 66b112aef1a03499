import test from 'ava';
import { stripHopByHop } from '../../../src/router/hop-by-hop.js';

test('hop-by-hop headers and those named by Connection are removed', (t) => {
  const headers: Record<string, string | undefined> = {
    connection: 'keep-alive, x-private',
    'keep-alive': 'timeout=5',
    'x-private': '1',
    te: 'trailers',
    'transfer-encoding': 'chunked',
    'content-type': 'text/plain',
    host: 'a.localhost',
  };
  stripHopByHop(headers);
  t.deepEqual(headers, { 'content-type': 'text/plain', host: 'a.localhost' });
});

test('upgrade headers can be kept for WebSockets', (t) => {
  const headers: Record<string, string | undefined> = { connection: 'Upgrade', upgrade: 'websocket', 'keep-alive': '1' };
  stripHopByHop(headers, ['connection', 'upgrade']);
  t.deepEqual(headers, { connection: 'Upgrade', upgrade: 'websocket' });
});
