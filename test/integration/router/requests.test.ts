// Both data planes against requests nginx users send every day: each gets the answer nginx gives, never an empty reply.
import test from 'ava';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { PLANES, startPlane, type PlaneKind } from './_planes.js';

interface Seen {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
}

async function setup(kind: PlaneKind, t: { teardown(fn: () => unknown): void }) {
  const seen: Seen[] = [];
  const backends: http.Server[] = [];
  const backend = async (name: string) => {
    const server = http.createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, headers: req.headers });
      if (req.url === '/silent') return;
      res.end(`hello from ${name}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    backends.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const { plane, http: port } = await startPlane(kind, t, 500);
  await plane.setTargets('alpha', [{ url: await backend('alpha'), container: 'a', release: 1, id: 'a000000000000000' }]);
  await plane.setTargets('beta', [{ url: await backend('beta'), container: 'b', release: 1, id: 'b000000000000000' }]);
  await plane.markStopped('gone');
  return {
    seen,
    /** Sends raw bytes; resolves with the status line's code (0 for none) and the whole reply. */
    raw(text: string): Promise<{ status: number; reply: string }> {
      return new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        let reply = '';
        const done = () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0), reply });
        const timer = setTimeout(() => (socket.destroy(), done()), 10_000);
        socket.on('data', (d) => {
          reply += d;
          // One complete reply is enough.
          if (/\r\n\r\n/.test(reply) && (/content-length: 0\r\n/i.test(reply) || /hello from \w+|<\/html>/.test(reply))) {
            clearTimeout(timer);
            socket.destroy();
            done();
          }
        });
        socket.on('error', () => undefined);
        socket.on('close', () => (clearTimeout(timer), done()));
        socket.write(text);
      });
    },
    stop() {
      for (const b of backends) {
        b.closeAllConnections();
        b.close();
      }
    },
  };
}

for (const kind of PLANES) {
  test(`${kind}: a Connection header naming Host does not strip it`, async (t) => {
    const r = await setup(kind, t);
    const { status, reply } = await r.raw('GET / HTTP/1.1\r\nHost: alpha.localhost\r\nConnection: Host\r\n\r\n');
    t.is(status, 200);
    t.regex(reply, /hello from alpha/);
    t.is(r.seen[0]?.headers.host, 'alpha.localhost');
    r.stop();
  });

  test(`${kind}: a request line that is not HTTP/1.x gets 505 as from nginx, and no app sees it`, async (t) => {
    const r = await setup(kind, t);
    t.is((await r.raw('GET / HTTP/2.0\r\nHost: alpha.localhost\r\nConnection: close\r\n\r\n')).status, 505);
    // A version no parser knows is refused one way or the other (Node's own parser answers 400 before routing).
    t.true([400, 505].includes((await r.raw('GET / HTTP/3.0\r\nHost: alpha.localhost\r\nConnection: close\r\n\r\n')).status));
    t.is((await r.raw('GET / HTTP/1.0\r\nHost: alpha.localhost\r\n\r\n')).status, 200, 'HTTP/1.0 is served');
    t.is(r.seen.length, 1);
    r.stop();
  });

  test(`${kind}: a duplicate Host is refused with 400; TRACE and CONNECT with 405`, async (t) => {
    const r = await setup(kind, t);
    t.is((await r.raw('GET / HTTP/1.1\r\nHost: alpha.localhost\r\nHost: beta.localhost\r\n\r\n')).status, 400);
    t.is((await r.raw('TRACE / HTTP/1.1\r\nHost: alpha.localhost\r\n\r\n')).status, 405);
    t.is((await r.raw('CONNECT alpha.localhost:443 HTTP/1.1\r\nHost: alpha.localhost:443\r\n\r\n')).status, 405);
    t.deepEqual(r.seen, [], 'none reached an app');
    r.stop();
  });

  test(`${kind}: an absolute-form target is routed by its own host, and the app gets the origin form`, async (t) => {
    const r = await setup(kind, t);
    const { status, reply } = await r.raw('GET http://beta.localhost/path?q=1 HTTP/1.1\r\nHost: beta.localhost\r\n\r\n');
    t.is(status, 200);
    t.regex(reply, /hello from beta/);
    t.is(r.seen[0]?.url, '/path?q=1');
    t.is(r.seen[0]?.headers.host, 'beta.localhost');
    // A Host that disagrees with the target: nginx routes by the target, HAProxy refuses (RFC 9112 allows both);
    // neither sends it to the app the Host names.
    const mismatch = await r.raw('GET http://beta.localhost/other HTTP/1.1\r\nHost: alpha.localhost\r\n\r\n');
    if (kind === 'node') t.regex(mismatch.reply, /hello from beta/);
    else t.is(mismatch.status, 400);
    t.false(r.seen.some((s) => s.headers.host === 'alpha.localhost'));
    r.stop();
  });

  test(`${kind}: upgrades other than a WebSocket GET are answered as plain requests (curl --http2), with a body refused`, async (t) => {
    const r = await setup(kind, t);
    const h2c = await r.raw(
      'GET / HTTP/1.1\r\nHost: alpha.localhost\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n',
    );
    t.is(h2c.status, 200);
    t.regex(h2c.reply, /hello from alpha/);
    t.is(r.seen[0]?.headers.upgrade, undefined, 'the upgrade was not passed on');
    const post = await r.raw('POST / HTTP/1.1\r\nHost: alpha.localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nContent-Length: 2\r\n\r\nhi');
    // A WebSocket handshake is a GET (RFC 6455): both planes refuse any other (HAProxy since 3.0), and no app is
    // asked to switch protocols or sees the request.
    t.is(post.status, 400);
    t.false(r.seen.some((s) => s.method === 'POST'));
    r.stop();
  });

  test(`${kind}: a silent app gets a 504 page after the upstream timeout; a WebSocket to a stopped app a 503 like HTTP`, async (t) => {
    const r = await setup(kind, t);
    const silent = await r.raw('GET /silent HTTP/1.1\r\nHost: alpha.localhost\r\n\r\n');
    t.is(silent.status, 504);
    t.regex(silent.reply, /took too long/);
    t.is((await r.raw('GET / HTTP/1.1\r\nHost: gone.localhost\r\n\r\n')).status, 503);
    t.is(
      (
        await r.raw(
          'GET / HTTP/1.1\r\nHost: gone.localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        )
      ).status,
      503,
    );
    r.stop();
  });
}
