import test from 'ava';
import { endedEarly, lastLines, parseAccessLine } from '../../../../src/router/haproxy/access-log.js';

const line = (fields: string) => `23/Nov/2026:20:45:46.483 ts=1795466746.483 ${fields}`;

test('an access log line reads back into the request, quoted fields unescaped, the replica from its server name', (t) => {
  const parsed = parseAccessLine(
    line(
      'host="shop.example.com" client=10.0.0.9 method=GET path="/a?q=#22x#22" status=200 bytes=224 time=3 backend=app_shop server=r-0123456789abcdef-10.231.0.5_5000 retries=+1',
    ),
  );
  t.deepEqual(parsed, {
    time: '2026-11-23T20:45:46.483Z',
    host: 'shop.example.com',
    client: '10.0.0.9',
    method: 'GET',
    path: '/a?q="x"',
    status: 200,
    bytes: 224,
    totalMs: 3,
    backend: 'app_shop',
    replica: '0123456789abcdef',
    retries: 1,
  });
  t.is(
    parseAccessLine(line('host="a" client=1.2.3.4 method=GET path="/" status=503 bytes=0 time=0 backend=app_shop server=<NOSRV> retries=0'))?.replica,
    undefined,
  );
  t.is(parseAccessLine('[NOTICE]   (1) : New worker (2) forked'), undefined, "HAProxy's own notices are not requests");
  const cut = parseAccessLine(
    line('host="a" client=1.2.3.4 method=GET path="/" status=200 bytes=90 time=4 backend=app_shop server=r-0123456789abcdef-10.231.0.5_5000 retries=0 term=SD'),
  );
  t.is(cut?.ended, 'the app closed or refused the connection during the response', 'a response the app cut says so');
  const normal = parseAccessLine(
    line('host="a" client=1.2.3.4 method=GET path="/" status=200 bytes=90 time=4 backend=app_shop server=r-0123456789abcdef-10.231.0.5_5000 retries=0 term=--'),
  );
  t.is(normal?.status, 200);
  t.false('ended' in normal!, 'a request that ended normally has no description');
});

test("how a request ended early is told in words: who ended it and when; normal ends and the router's own answers are not", (t) => {
  t.is(endedEarly('KD'), 'the router cut the connection (its replica left the routes) during the response');
  t.is(endedEarly('SH'), 'the app closed or refused the connection before the response headers were complete');
  t.is(endedEarly('sH'), 'the app timed out before the response headers were complete');
  t.is(endedEarly('CR'), 'the client closed the connection before the request was complete');
  t.is(endedEarly('--'), undefined);
  t.is(endedEarly('LR'), undefined, 'a redirect or a page of the router');
  t.is(endedEarly(undefined), undefined);
});

test('the history is the last lines that match, oldest first', (t) => {
  const text = ['a1', 'b1', 'a2', 'x', 'a3', ''].join('\n');
  t.deepEqual(
    lastLines(text, 2, (l) => (l.startsWith('a') ? l : undefined)),
    ['a2', 'a3'],
  );
  t.deepEqual(
    lastLines(text, 9, (l) => (l.startsWith('b') ? l : undefined)),
    ['b1'],
  );
});
