import test from 'ava';
import { PassThrough } from 'node:stream';
import { Inflight } from '../../../src/router/inflight.js';
import { mayRetry } from '../../../src/router/proxy.js';

test('drain waits for in-flight requests to finish, then closes WebSockets', async (t) => {
  const inflight = new Inflight();
  inflight.begin('http://old');
  inflight.begin('http://new');
  const socket = new PassThrough();
  inflight.addSocket('http://old', socket);
  setTimeout(() => inflight.end('http://old'), 100);
  const started = Date.now();
  t.is(await inflight.drain(['http://old'], 5000), 0);
  t.true(Date.now() - started >= 90, 'waited for the request');
  t.true(socket.destroyed, 'the WebSocket was closed after the drain');
  t.is(inflight.count('http://new'), 1, 'other targets are untouched');
});

test('drain gives up at its timeout and says how many requests were cut', async (t) => {
  const inflight = new Inflight();
  inflight.begin('http://slow');
  t.is(await inflight.drain(['http://slow'], 50), 1);
});

test('only safe requests that got no response byte are retried, once', (t) => {
  t.true(mayRetry('GET', 'ECONNREFUSED', false, 0));
  t.true(mayRetry('HEAD', 'ECONNRESET', false, 0));
  t.false(mayRetry('POST', 'ECONNREFUSED', false, 0));
  t.false(mayRetry('GET', 'ECONNRESET', true, 0));
  t.false(mayRetry('GET', 'ECONNREFUSED', false, 1));
  t.false(mayRetry('GET', 'ETIMEDOUT', false, 0));
});
