// The router against the malformed-input corpus (test/fixtures/router/malformed.json): an app that answers
// garbage, and clients that send garbage, affect only their own request; the router stays up and another app
// keeps answering 200 throughout. A crash here fails the whole test process.
import test from 'ava';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PLANES, startPlane, type PlaneKind } from './_planes.js';

interface ResponseCase {
  name: string;
  raw: string;
  then: 'close' | 'keep' | 'hang';
  expect: '502' | '504' | '502-or-abort' | 'any';
}
interface RequestCase {
  name: string;
  raw: string;
  expect: '4xx-or-close' | 'any';
  /** Where HAProxy takes another RFC-allowed way. */
  haproxy?: 'te-then-close';
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const corpus = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'router', 'malformed.json'), 'utf8')) as {
  responses: ResponseCase[];
  requests: RequestCase[];
};

/** Expands the corpus's size placeholders. */
function expand(raw: string): Buffer {
  const text = raw.replace('{{64k}}', 'x'.repeat(64 * 1024)).replace('{{5000 headers}}', Array.from({ length: 5000 }, (_, i) => `x-h${i}: v\r\n`).join(''));
  return Buffer.from(text, 'latin1');
}

/** An upstream that answers each request with the corpus entry its path names, byte for byte. */
async function evilUpstream(): Promise<{ url: string; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const name = /^[A-Z]+ \/([^ ]*)/.exec(head)?.[1] ?? '';
      head = '';
      const entry = corpus.responses.find((r) => r.name === name);
      if (!entry) return;
      socket.write(expand(entry.raw));
      if (entry.then === 'close') socket.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

async function goodUpstream(): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((_req, res) => res.end('good'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

type Outcome = { status: number; complete: boolean } | { error: string };

/** A GET through the router; `complete` is false when the response was cut before its end. Gives up after 1.5 s. */
function fetchThrough(port: number, host: string, urlPath: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, headers: { host }, agent: false, timeout: 1500 }, (res) => {
      let done = false;
      res.on('data', () => undefined);
      res.on('end', () => ((done = true), resolve({ status: res.statusCode ?? 0, complete: !res.aborted })));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, complete: false }));
      res.on('close', () => done || resolve({ status: res.statusCode ?? 0, complete: false }));
    });
    req.on('timeout', () => (req.destroy(), resolve({ error: 'timeout' })));
    req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
  });
}

/** Sends raw bytes to the router; resolves with what came back (or nothing) once it closes or 1.5 s pass. */
function sendRaw(port: number, bytes: Buffer): Promise<{ received: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => (socket.destroy(), resolve({ received, closed: false })), 1500);
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => (clearTimeout(timer), resolve({ received, closed: true })));
    socket.write(bytes);
  });
}

async function setup(kind: PlaneKind, t: { teardown(fn: () => unknown): void }) {
  const evil = await evilUpstream();
  const good = await goodUpstream();
  const { plane, http: port } = await startPlane(kind, t, 700);
  await plane.setTargets('evil', [{ url: evil.url, container: 'evil', release: 1, id: 'evil' }]);
  await plane.setTargets('good', [{ url: good.url, container: 'good', release: 1, id: 'good' }]);
  // Another app is asked all along; every answer must be its own 200.
  const victim: Outcome[] = [];
  let running = true;
  const load = (async () => {
    while (running) victim.push(await fetchThrough(port, 'good.localhost', '/'));
  })();
  return {
    port,
    victim,
    async stop() {
      running = false;
      await load;
      evil.close();
      good.server.closeAllConnections();
      good.server.close();
    },
  };
}

for (const kind of PLANES) {
  test(`${kind}: malformed upstream responses fail only their own request`, async (t) => {
    const { port, victim, stop } = await setup(kind, t);
    for (const entry of corpus.responses) {
      const outcome = await fetchThrough(port, 'evil.localhost', `/${entry.name}`);
      const shown = `${entry.name}: ${JSON.stringify(outcome)}`;
      if (entry.expect === '502' || entry.expect === '504') t.true('status' in outcome && outcome.status === Number(entry.expect) && outcome.complete, shown);
      if (entry.expect === '502-or-abort') {
        const ok = 'error' in outcome ? outcome.error !== 'timeout' : (outcome.status === 502 && outcome.complete) || !outcome.complete;
        t.true(ok, shown);
      }
    }
    await stop();
    t.true(victim.length > 0);
    t.deepEqual(
      victim.filter((o) => !('status' in o) || o.status !== 200 || !o.complete),
      [],
      'the other app answered every request',
    );
  });

  test(`${kind}: malformed client requests are refused, never passed to an app, and harm nobody else`, async (t) => {
    const { port, victim, stop } = await setup(kind, t);
    for (const entry of corpus.requests) {
      const { received, closed } = await sendRaw(port, expand(entry.raw));
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1];
      if (kind === 'haproxy' && entry.haproxy === 'te-then-close') {
        // RFC 9112 6.3 lets a server take such a request by its Transfer-Encoding alone if it closes the connection
        // after answering: HAProxy does (it drops Content-Length), so the pipelined request behind it never runs.
        t.false(received.includes('/smuggled'), `${entry.name}: the smuggled request was not answered`);
        t.is((received.match(/^HTTP\/1\.1 /gm) ?? []).length, 1, `${entry.name}: one answer only`);
        t.true(closed, `${entry.name}: the connection is closed after the answer`);
      } else if (entry.expect === '4xx-or-close') {
        t.false(received.includes('good'), `${entry.name}: an app answered: ${received.slice(0, 80)}`);
        t.true(status ? status.startsWith('4') : closed, `${entry.name}: ${received.slice(0, 80) || (closed ? 'closed' : 'open')}`);
      }
    }
    await stop();
    t.deepEqual(
      victim.filter((o) => !('status' in o) || o.status !== 200 || !o.complete),
      [],
      'the other app answered every request',
    );
  });
}
