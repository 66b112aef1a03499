// The DataPlane port's behaviour, the same tests against both adapters: HAProxy (the default) and the in-process
// router. Backends are real local HTTP servers, each on its own loopback address.
import test from 'ava';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import http2 from 'node:http2';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { RoutedRequest, Target } from '../../../src/ports/data-plane.js';
import { PLANES, freePort, startPlane } from './_planes.js';
import { http3Get } from '../../_http3.js';
import { HaproxyDataPlane } from '../../../src/router/haproxy/haproxy-data-plane.js';
import { haproxyInstalled, stopHaproxy } from '../../../src/router/haproxy/haproxy-process.js';

const DOMAIN = 'localhost';
let nextIp = 10 + Math.floor(Math.random() * 200);

interface Backend {
  target: Target;
  server: http.Server;
  sockets: Set<net.Socket>;
  seen: http.IncomingHttpHeaders[];
}

/** A backend answering `name` (after `delayMs`), echoing WebSocket frames, on 127.0.N.M:port. */
async function backend(name: string, options: { delayMs?: number; raw?: string; hang?: boolean } = {}): Promise<Backend> {
  const seen: http.IncomingHttpHeaders[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push({ ...req.headers, ':method': req.method });
    if (options.hang) return;
    if (options.raw) return void res.socket!.end(options.raw);
    setTimeout(() => res.end(`hello from ${name}`), options.delayMs ?? 0);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket) => {
    const accept = crypto.createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`);
    socket.on('data', (d) => socket.write(`echo:${d}`));
    // The router may end it with a reset (HAProxy 3.0 does, draining): an ended connection, not a crash.
    socket.on('error', () => {});
  });
  const ip = `127.0.${nextIp}.${2 + (seen.length % 200)}`;
  nextIp = nextIp >= 250 ? 10 : nextIp + 1;
  await new Promise<void>((r) => server.listen(0, ip, r));
  const port = (server.address() as net.AddressInfo).port;
  return { target: { url: `http://${ip}:${port}`, container: name, release: 1, id: `${name}-${port}-0123456789abcdef` }, server, sockets, seen };
}

function close(b: Backend): void {
  for (const s of b.sockets) s.destroy();
  b.server.close();
}

interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(port: number, host: string, options: { path?: string; agent?: http.Agent } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: options.path ?? '/', headers: { host }, agent: options.agent ?? false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

/** Sends a WebSocket upgrade; resolves with the status line and the socket. */
function upgrade(port: number, host: string): Promise<{ status: number; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write(
        `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      ),
    );
    socket.once('data', (d) => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(d.toString())?.[1] ?? 0), socket }));
    socket.once('error', reject);
    // Once open, the end of an upgraded connection is what tests look at ('close'): HAProxy 3.0 ends a drained
    // WebSocket with a reset, 2.6 and the node router with a FIN.
    socket.on('error', () => {});
  });
}

// bin/setup installs haproxy; without it these tests fail, they are never skipped.
const hasHaproxy = await haproxyInstalled();

for (const kind of PLANES) {
  const tested = test;
  const name = (text: string) => `${kind}: ${text}`;

  tested(name("routes by Host to the app's targets, forwards client details, and answers unknown hosts 404"), async (t) => {
    const p = await startPlane(kind, t);
    const a = await backend('a');
    t.teardown(() => close(a));
    await p.plane.setTargets('shop', [a.target]);
    const answer = await request(p.http, 'shop.localhost:8080');
    t.is(answer.status, 200);
    t.is(answer.body, 'hello from a');
    t.is(a.seen[0]!['x-forwarded-for'], '127.0.0.1');
    t.is(a.seen[0]!['x-forwarded-proto'], 'http');
    t.is(a.seen[0]!['x-forwarded-host'], 'shop.localhost:8080');
    const unknown = await request(p.http, 'nothing.localhost');
    t.is(unknown.status, 404);
    t.regex(unknown.body, /No app is deployed at this address/);
    await p.plane.addHost('www.example.com', 'shop');
    t.is((await request(p.http, 'WWW.Example.com')).body, 'hello from a', 'a custom domain, any case');
    t.is((await request(p.http, 'www.example.com.')).body, 'hello from a', 'a fully qualified name, with its trailing dot');
    t.is((await request(p.http, 'shop.localhost.:8080')).body, 'hello from a', 'a trailing dot before the port');
  });

  tested(name('switching targets in one step, and a reload for a new app, under load drop no request; drain waits for the one in flight'), async (t) => {
    // No request may fail here, and none may be cut by the upstream timeout either on a loaded machine.
    const p = await startPlane(kind, t, 30_000);
    const blue = [await backend('blue'), await backend('blue2')];
    const green = [await backend('green', { delayMs: 5 })];
    t.teardown(() => [...blue, ...green].forEach(close));
    await p.plane.setTargets(
      'shop',
      blue.map((b) => b.target),
    );
    const master = () => (p.plane instanceof HaproxyDataPlane ? fs.readFileSync(p.plane.paths.pidFile, 'utf8') : '');
    const masterBefore = master();
    let failures = 0;
    let done = 0;
    let running = true;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const load = Array.from({ length: 16 }, async () => {
      while (running) {
        const answer = await request(p.http, 'shop.localhost', { agent }).catch(() => ({ status: 0 }) as Answer);
        if (answer.status !== 200) failures++;
        done++;
      }
    });
    for (let i = 0; i < 10; i++) {
      const [from, to] = i % 2 === 0 ? [blue, green] : [green, blue];
      // A new app's first backend: on HAProxy a reload (new worker, listeners handed over) while the load runs.
      await p.plane.setTargets(`other${i}`, [green[0]!.target]);
      const replaced = await p.plane.setTargets(
        'shop',
        to.map((b) => b.target),
      );
      t.deepEqual(
        replaced.map((x) => x.container),
        from.map((b) => b.target.container),
      );
      t.is(await p.plane.drain(replaced, 2000), 0);
      // A drained target may come back in the next switch, as a restart's replica does not, but a rollback's may.
    }
    running = false;
    await Promise.all(load);
    agent.destroy();
    t.is(failures, 0, `${failures} of ${done} requests failed`);
    await new Promise((r) => setTimeout(r, 2500));
    t.is(master(), masterBefore, 'the same HAProxy all along: reloads never look like a dead one to the watchdog');
    t.true(done >= 16, 'requests ran all along the switches');
  });

  tested(name('drain lets a slow request finish before it resolves, and counts it as in flight meanwhile'), async (t) => {
    // An upstream timeout far beyond the slow answer's 600 ms: on a loaded machine it must not be what ends it.
    const p = await startPlane(kind, t, 30_000);
    const slow = await backend('slow', { delayMs: 600 });
    const next = await backend('next');
    t.teardown(() => [slow, next].forEach(close));
    await p.plane.setTargets('shop', [slow.target]);
    const pending = request(p.http, 'shop.localhost').catch((err: Error) => ({ status: 0, body: err.message, headers: {} }));
    // In flight once the slow app has it (polled: a busy machine may take a while to get it there).
    for (let i = 0; i < 100 && slow.seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    t.is(await p.plane.inflight([slow.target]), 1);
    const replaced = await p.plane.setTargets('shop', [next.target]);
    t.is((await request(p.http, 'shop.localhost')).body, 'hello from next', 'new requests go to the new target at once');
    t.is(await p.plane.drain(replaced, 5000), 0);
    const answer = await pending;
    t.is(answer.status, 200);
    t.is(answer.body, 'hello from slow');
  });

  tested(name('a stopped app answers 503 to HTTP and WebSocket alike; an app with no targets 404'), async (t) => {
    const p = await startPlane(kind, t);
    const a = await backend('a');
    t.teardown(() => close(a));
    await p.plane.setTargets('shop', [a.target]);
    const ws = await upgrade(p.http, 'shop.localhost');
    t.is(ws.status, 101);
    ws.socket.write('ping');
    t.regex((await new Promise<Buffer>((r) => ws.socket.once('data', r))).toString(), /echo:ping/);
    const old = await p.plane.setTargets('shop', []);
    await p.plane.markStopped('shop');
    const closed = new Promise((r) => ws.socket.once('close', r));
    await p.plane.drain(old, 300);
    await closed;
    t.pass('drain closed the open WebSocket');
    const stopped = await request(p.http, 'shop.localhost');
    t.is(stopped.status, 503);
    t.regex(stopped.body, /This app is stopped/);
    const wsStopped = await upgrade(p.http, 'shop.localhost');
    t.is(wsStopped.status, 503);
    wsStopped.socket.destroy();
    t.true(await p.plane.isStopped('shop'));
    await p.plane.setTargets('shop', [a.target]);
    t.is((await request(p.http, 'shop.localhost')).status, 200, 'routed again: no longer stopped');
    await p.plane.removeApp('shop');
    t.is((await request(p.http, 'shop.localhost')).status, 404);
  });

  tested(name('an app in maintenance answers a 503 page with Retry-After whatever its targets, until maintenance ends'), async (t) => {
    const p = await startPlane(kind, t);
    const a = await backend('a');
    const b = await backend('b');
    t.teardown(() => Promise.all([close(a), close(b)]));
    await p.plane.setTargets('shop', [a.target]);
    await p.plane.setMaintenance('shop', true);
    const answer = await request(p.http, 'shop.localhost');
    t.is(answer.status, 503);
    t.is(answer.headers['retry-after'], '60');
    t.regex(answer.body, /undergoing maintenance/);
    const ws = await upgrade(p.http, 'shop.localhost');
    t.is(ws.status, 503);
    ws.socket.destroy();
    await p.plane.setTargets('shop', [b.target]);
    t.is((await request(p.http, 'shop.localhost')).status, 503, 'a new release does not end maintenance');
    await p.plane.setMaintenance('shop', false);
    t.is((await request(p.http, 'shop.localhost')).body, 'hello from b');
  });

  tested(name('a refused connection is retried once on another target; a silent app gets 504; a malformed answer 502'), async (t) => {
    const p = await startPlane(kind, t);
    const live = await backend('live');
    const silent = await backend('silent', { delayMs: 5000 });
    const broken = await backend('broken', { raw: 'HTTP/1.1 abc Nonsense\r\n\r\n' });
    t.teardown(() => [live, silent, broken].forEach(close));
    const dead: Target = { url: `http://127.0.0.1:${await freePort()}`, container: 'dead', release: 1, id: 'dead-0123456789abcdef' };
    await p.plane.setTargets('shop', [dead, live.target]);
    for (let i = 0; i < 6; i++) t.is((await request(p.http, 'shop.localhost')).status, 200);
    await p.plane.setTargets('quiet', [silent.target]);
    const timedOut = await request(p.http, 'quiet.localhost');
    t.is(timedOut.status, 504);
    t.regex(timedOut.body, /took too long/);
    await p.plane.setTargets('bad', [broken.target]);
    const bad = await request(p.http, 'bad.localhost');
    t.is(bad.status, 502);
    t.is((await request(p.http, 'shop.localhost')).status, 200, 'another app is untouched');
  });

  tested(name('HTTPS: certificates installed and replaced at runtime by SNI, HTTP redirected on request, ACME answers first'), async (t) => {
    const p = await startPlane(kind, t);
    const a = await backend('a');
    t.teardown(() => close(a));
    await p.plane.setTargets('shop', [a.target]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-cert-'));
    const cert = (cn: string) => {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          `${dir}/k.pem`,
          '-out',
          `${dir}/c.pem`,
          '-days',
          '2',
          '-subj',
          `/CN=${cn}`,
        ],
        { stdio: 'ignore' },
      );
      return { cert: fs.readFileSync(`${dir}/c.pem`, 'utf8'), key: fs.readFileSync(`${dir}/k.pem`, 'utf8') };
    };
    const tlsGet = (servername: string) =>
      new Promise<{ status: number; subject: string }>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port: p.https, servername, headers: { host: servername }, rejectUnauthorized: false, agent: false }, (res) => {
            const subject = String((res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN ?? '');
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, subject }));
          })
          .on('error', reject);
      });
    await t.throwsAsync(tlsGet('shop.localhost'), undefined, 'no certificate yet: the handshake fails');
    const first = cert('shop.localhost');
    await p.plane.installCertificate('shop.localhost', first.cert, first.key);
    t.deepEqual(await tlsGet('shop.localhost'), { status: 200, subject: 'shop.localhost' });
    t.is(a.seen.at(-1)!['x-forwarded-proto'], 'https');
    await t.throwsAsync(p.plane.installCertificate('shop.localhost', first.cert, 'not a key'), undefined, 'an unusable pair is refused');
    const second = cert('shop.localhost');
    await p.plane.installCertificate('shop.localhost', second.cert, second.key);
    t.deepEqual(await tlsGet('shop.localhost'), { status: 200, subject: 'shop.localhost' }, 'replaced without a restart');
    t.is((await request(p.http, 'shop.localhost')).status, 200, 'no redirect until asked');
    await p.plane.setHttpsRedirect('shop', true);
    const redirected = await request(p.http, 'shop.localhost', { path: '/a?b=1' });
    t.is(redirected.status, 301);
    t.is(redirected.headers.location, `https://shop.localhost:${p.https}/a?b=1`);
    await p.plane.setChallenge('tok123', 'tok123.thumb');
    const challenge = await request(p.http, 'shop.localhost', { path: '/.well-known/acme-challenge/tok123' });
    t.is(challenge.status, 200, 'challenges are answered before the redirect and the app');
    t.is(challenge.body, 'tok123.thumb');
    await p.plane.removeCertificate('shop.localhost');
    await t.throwsAsync(tlsGet('shop.localhost'));
  });
}

test('haproxy: the HTTPS port speaks HTTP/2 (ALPN h2), HTTP/1.1 and HTTP/3 (QUIC, advertised with Alt-Svc), and opens a WebSocket over HTTP/2 (RFC 8441)', async (t) => {
  if (!(await haproxyInstalled())) return t.fail('HAProxy 3.0 is not installed: run bin/setup');
  const p = await startPlane('haproxy', t);
  const app = http.createServer((req, res) => res.end(`hello over ${req.httpVersion}`));
  app.on('upgrade', (req, socket) => {
    const accept = crypto
      .createHash('sha1')
      .update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.end(Buffer.from([0x81, 0x02, 0x68, 0x69])); // a text frame: "hi"
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  t.teardown(() => app.close());
  await p.plane.setTargets('shop', [
    { url: `http://127.0.0.1:${(app.address() as net.AddressInfo).port}`, container: 'a', release: 1, id: 'a000000000000000' },
  ]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-cert-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${dir}/k.pem`,
      '-out',
      `${dir}/c.pem`,
      '-days',
      '2',
      '-subj',
      '/CN=shop.localhost',
    ],
    {
      stdio: 'ignore',
    },
  );
  // Added at runtime, as certs:add and ACME do.
  await p.plane.installCertificate('shop.localhost', fs.readFileSync(`${dir}/c.pem`, 'utf8'), fs.readFileSync(`${dir}/k.pem`, 'utf8'));
  const client = http2.connect(`https://127.0.0.1:${p.https}`, { servername: 'shop.localhost', rejectUnauthorized: false, ALPNProtocols: ['h2'] });
  t.teardown(() => client.close());
  const stream = (headers: http2.OutgoingHttpHeaders) =>
    new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = client.request({ ':authority': 'shop.localhost', ...headers });
      const chunks: Buffer[] = [];
      let status = 0;
      req.on('response', (h) => (status = Number(h[':status'])));
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => resolve({ status, body: Buffer.concat(chunks) }));
      req.on('error', reject);
    });
  const got = await stream({ ':path': '/' });
  t.deepEqual({ status: got.status, body: got.body.toString() }, { status: 200, body: 'hello over 1.1' }, 'HTTP/2 to the router, HTTP/1.1 to the app');
  t.is(client.alpnProtocol, 'h2');
  // HTTP/3 on the same port number over UDP, the certificate added at runtime included, and advertised.
  const h3 = await http3Get('shop.localhost', p.https);
  t.is(h3.code, 0, h3.output);
  t.is(h3.output, 'hello over 1.1\n3 200');
  t.true(client.remoteSettings.enableConnectProtocol, 'the router offers WebSockets over HTTP/2');
  const ws = await stream({ ':method': 'CONNECT', ':protocol': 'websocket', ':path': '/', ':scheme': 'https', 'sec-websocket-version': '13' });
  t.is(ws.status, 200, 'a WebSocket over HTTP/2 is opened');
  t.deepEqual([...ws.body], [0x81, 0x02, 0x68, 0x69], "and carries the app's frames");
  // HTTP/1.1 clients (and their WebSocket upgrades) are served on the same port.
  const h1 = await new Promise<{ status: number; altSvc: string | undefined }>((resolve, reject) =>
    https
      .get(
        { host: '127.0.0.1', port: p.https, servername: 'shop.localhost', headers: { host: 'shop.localhost' }, rejectUnauthorized: false, agent: false },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, altSvc: res.headers['alt-svc'] });
        },
      )
      .on('error', reject),
  );
  t.is(h1.status, 200);
  t.is(h1.altSvc, `h3=":${p.https}"; ma=86400`, 'HTTPS answers advertise HTTP/3 on the same port');
});

test('haproxy: a target marked h2c is spoken to in HTTP/2 without TLS (gRPC servers); switching protocol drops no request', async (t) => {
  if (!hasHaproxy) return t.fail('haproxy is not installed');
  const p = await startPlane('haproxy', t);
  const h2 = http2.createServer((req, res) => res.end(`over ${req.httpVersion}`));
  const h1 = http.createServer((req, res) => res.end(`over ${req.httpVersion}`));
  await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => h1.listen(0, '127.0.0.1', resolve));
  t.teardown(() => (h2.close(), h1.close()));
  const h2Port = (h2.address() as net.AddressInfo).port;
  const h1Port = (h1.address() as net.AddressInfo).port;
  await p.plane.setTargets('grpc', [{ url: `http://127.0.0.1:${h2Port}`, container: 'g', release: 1, id: 'g000000000000000', protocol: 'h2c' }]);
  t.is((await request(p.http, 'grpc.localhost')).body, 'over 2.0', 'an HTTP/1.1 client, HTTP/2 to the app');
  // Back to HTTP/1.1 (a release without h2c, on another replica): routed at once.
  await p.plane.setTargets('grpc', [{ url: `http://127.0.0.1:${h1Port}`, container: 'h', release: 2, id: 'h000000000000000' }]);
  t.is((await request(p.http, 'grpc.localhost')).body, 'over 1.1');
});

test('haproxy: traffic goes on while the daemon is away, and a new daemon adopts the running HAProxy without a reload', async (t) => {
  if (!hasHaproxy) return t.fail('haproxy is not installed');
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-haproxy-'));
  const listen = { httpPort, httpsPort, domain: DOMAIN, upstreamTimeoutMs: 1500, host: '127.0.0.1', dataDir };
  const a = await backend('a');
  const b = await backend('b');
  t.teardown(() => [a, b].forEach(close));
  const first = new HaproxyDataPlane(listen);
  await first.setTargets('shop', [a.target]);
  await first.start();
  t.teardown(() => stopHaproxy(first.paths));
  await first.close();
  t.is((await request(httpPort, 'shop.localhost')).body, 'hello from a', 'served with no daemon');
  const pid = fs.readFileSync(first.paths.pidFile, 'utf8');
  const second = new HaproxyDataPlane(listen);
  await second.setTargets('shop', [a.target, b.target]);
  await second.start();
  t.is(fs.readFileSync(second.paths.pidFile, 'utf8'), pid, 'the same HAProxy');
  const bodies = new Set<string>();
  for (let i = 0; i < 8; i++) bodies.add((await request(httpPort, 'shop.localhost')).body);
  t.deepEqual([...bodies].sort(), ['hello from a', 'hello from b']);
  t.regex(
    await logged(first.paths.accessLog, /host="shop\.localhost" .*status=200 .*backend=app_shop server=r-/),
    /status=200/,
    'requests are in the access log',
  );
  await second.close();
});

test('haproxy: a replica that came back at a new address while the daemon was away is routed there by the next daemon', async (t) => {
  if (!hasHaproxy) return t.fail('haproxy is not installed');
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-haproxy-'));
  const listen = { httpPort, httpsPort, domain: DOMAIN, upstreamTimeoutMs: 1500, host: '127.0.0.1', dataDir };
  const a = await backend('a');
  const b = await backend('b');
  t.teardown(() => [a, b].forEach(close));
  const first = new HaproxyDataPlane(listen);
  await first.setTargets('shop', [a.target]);
  await first.start();
  t.teardown(() => stopHaproxy(first.paths));
  await first.close();
  // The same replica (same id), restarted by the engine at another address.
  const moved = { ...a.target, url: b.target.url };
  const second = new HaproxyDataPlane(listen);
  await second.setTargets('shop', [moved]);
  await second.start();
  t.is((await request(httpPort, 'shop.localhost')).body, 'hello from b');
  await second.close();
});

test('haproxy: requests waiting on a replica that died without a word are answered by another once it is dropped; a POST is never sent twice', async (t) => {
  const p = await startPlane('haproxy', t, 60_000);
  // The replica whose node died: connections stay open and nothing ever answers (no reset, no close).
  const dead = await backend('dead', { hang: true });
  const b = await backend('b');
  t.teardown(() => [dead, b].forEach(close));
  await p.plane.setTargets('shop', [dead.target, b.target]);
  const send = (method: string) =>
    new Promise<Answer>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: p.http, method, path: '/', headers: { host: 'shop.localhost' }, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
  const gets = Array.from({ length: 6 }, () => send('GET'));
  const posts = Array.from({ length: 6 }, () => send('POST'));
  const waiting = () => dead.seen.length;
  for (let i = 0; i < 100 && waiting() < 2; i++) await new Promise((r) => setTimeout(r, 20));
  t.true(
    dead.seen.some((h) => h[':method'] === 'GET'),
    'some GET waits on the dead replica',
  );
  await p.plane.dropReplica(dead.target.id!);
  const answered = await Promise.all(gets);
  t.deepEqual(
    answered.map((a) => `${a.status} ${a.body}`),
    Array.from({ length: 6 }, () => '200 hello from b'),
  );
  const postAnswers = await Promise.all(posts);
  const postsOnDead = dead.seen.filter((h) => h[':method'] === 'POST').length;
  t.is(postAnswers.filter((a) => a.status === 200).length, 6 - postsOnDead, 'a POST that reached the dead replica is not retried');
  t.is(b.seen.filter((h) => h[':method'] === 'POST').length, 6 - postsOnDead, 'each POST reached one replica only');
});

/** The access log once a line matches `pattern` (the writer appends within a moment), or as it is after 5 s. */
async function logged(file: string, pattern: RegExp): Promise<string> {
  const read = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  for (let i = 0; i < 100 && !pattern.test(read()); i++) await new Promise((r) => setTimeout(r, 50));
  return read();
}

test('haproxy: each request becomes a router line of its app, naming the replica, read back as history and as it happens', async (t) => {
  const p = await startPlane('haproxy', t);
  const a = await backend('a');
  t.teardown(() => close(a));
  await p.plane.setTargets('shop', [a.target]);
  await p.plane.setTargets('blog', [a.target]);
  await request(p.http, 'shop.localhost', { path: '/first?x="quoted"' });
  await request(p.http, 'blog.localhost', { path: '/not-shop' });
  // Lines reach the file through the log writer within a moment (it reads HAProxy's FIFO in batches).
  await logged((p.plane as HaproxyDataPlane).paths.accessLog, /path="\/not-shop"/);
  const controller = new AbortController();
  t.teardown(() => controller.abort());
  const followed: RoutedRequest[] = [];
  const history = await new Promise<RoutedRequest[]>((resolve, reject) => {
    p.plane.routerLog!('shop', { tail: 10, follow: true }, { history: resolve, request: (r) => followed.push(r) }, controller.signal).catch(reject);
  });
  t.is(history.length, 1, "only the app's own requests");
  t.like(history[0], { method: 'GET', path: '/first?x="quoted"', host: 'shop.localhost', status: 200, replica: a.target.id!.slice(0, 16) });
  await request(p.http, 'shop.localhost', { path: '/second' });
  for (let i = 0; i < 40 && followed.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  controller.abort();
  t.is(followed[0]?.path, '/second');
});
