// Both data planes against real local HTTP backends.
import test from 'ava';
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { PLANES, startPlane } from './_planes.js';
import type { Target } from '../../../src/ports/data-plane.js';

const target = (url: string, container: string, release = 1): Target => ({ url, container, release, id: `${container}`.padEnd(16, '0') });

interface Seen {
  headers: http.IncomingHttpHeaders;
}

const upgraded = new WeakMap<http.Server, Set<net.Socket>>();

function stop(server: http.Server): void {
  for (const socket of upgraded.get(server) ?? []) socket.destroy();
  server.closeAllConnections();
  server.close();
}

async function backend(name: string, seen: Seen[] = []): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    seen.push({ headers: req.headers });
    res.setHeader('keep-alive', 'timeout=5');
    res.setHeader('x-backend', name);
    res.end(`hello from ${name}`);
  });
  server.on('upgrade', (req, socket) => {
    if (!upgraded.has(server)) upgraded.set(server, new Set());
    upgraded.get(server)!.add(socket as net.Socket);
    const accept = crypto.createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`);
    socket.on('data', (d) => socket.write(`echo:${d}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function get(port: number, host: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', headers: { host, ...headers }, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

for (const kind of PLANES) {
  test(`${kind}: routes by Host, forwards client details, and strips hop-by-hop headers both ways`, async (t) => {
    const seen: Seen[] = [];
    const a = await backend('a', seen);
    const b = await backend('b');
    const { plane, http: port } = await startPlane(kind, t);
    await plane.setTargets('alpha', [target(a.url, 'a')]);
    await plane.setTargets('beta', [target(b.url, 'b')]);

    const ra = await get(port, 'alpha.localhost', { connection: 'keep-alive, x-secret', 'x-secret': 'hop', 'x-forwarded-for': '203.0.113.9' });
    t.is(ra.body, 'hello from a');
    t.not(ra.headers['keep-alive'], 'timeout=5', 'upstream keep-alive header not passed to the client (the router may state its own)');
    t.is((await get(port, `beta.localhost:${port}`)).body, 'hello from b');
    t.is(seen[0]!.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    t.is(seen[0]!.headers['x-forwarded-proto'], 'http');
    t.is(seen[0]!.headers['x-forwarded-host'], 'alpha.localhost');
    // RFC 9110 asks a proxy to drop the headers Connection names; the node plane does. HAProxy, like nginx, drops
    // the Connection header itself (so the app is told of no hop-by-hop option) and passes a custom header on.
    if (kind === 'node') t.is(seen[0]!.headers['x-secret'], undefined, 'a header named by Connection is not forwarded');
    else t.notRegex(String(seen[0]!.headers.connection ?? ''), /x-secret/, "the client's Connection options are not forwarded");

    await plane.setTargets('alpha', [target(b.url, 'b', 2)]);
    t.is((await get(port, 'alpha.localhost')).body, 'hello from b', 'a swap takes effect on the next request');

    stop(a.server);
    stop(b.server);
  });

  test(`${kind}: unknown hosts get a 404 page and dead upstreams a 502 page, neither naming internals`, async (t) => {
    const { plane, http: port } = await startPlane(kind, t);
    await plane.setTargets('dead', [target('http://127.0.0.1:1', 'paas-dead-web-v1-1')]);
    const notFound = await get(port, 'nothing.localhost');
    t.is(notFound.status, 404);
    t.regex(notFound.body, /No app is deployed/);
    const bad = await get(port, 'dead.localhost');
    t.is(bad.status, 502);
    t.notRegex(bad.body, /127\.0\.0\.1|paas-dead|ECONNREFUSED/);
  });

  test(`${kind}: WebSocket upgrades are proxied`, async (t) => {
    const a = await backend('a');
    const { plane, http: port } = await startPlane(kind, t);
    await plane.setTargets('ws', [target(a.url, 'a')]);
    const socket = net.connect(port, '127.0.0.1');
    socket.write(
      'GET / HTTP/1.1\r\nhost: ws.localhost\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n',
    );
    let received = '';
    await new Promise<void>((resolve) => {
      socket.on('data', (d) => {
        received += d;
        if (received.includes('\r\n\r\n') && !received.includes('echo:')) socket.write('ping');
        if (received.includes('echo:ping')) resolve();
      });
    });
    t.regex(received, /^HTTP\/1\.1 101/);
    t.regex(received, /echo:ping/);
    socket.destroy();
    stop(a.server);
  });

  test(`${kind}: a refused connection is retried once on another live target, so a dead container shows no 502`, async (t) => {
    const a = await backend('a');
    const { plane, http: port } = await startPlane(kind, t);
    await plane.setTargets('app', [target('http://127.0.0.1:1', 'dead'), target(a.url, 'a')]);
    const statuses = await Promise.all(Array.from({ length: 10 }, () => get(port, 'app.localhost').then((r) => r.status)));
    t.deepEqual(statuses, Array(10).fill(200));
    stop(a.server);
  });
}
