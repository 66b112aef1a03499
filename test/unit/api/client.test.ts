import test from 'ava';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { httpClient } from '../../../src/api/client.js';

/** A daemon stand-in on a unix socket that answers every request with `answer`. */
async function fakeDaemon(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ socketPath: string; close: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-client-'));
  const socketPath = path.join(dir, 'paas.sock');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { socketPath, close: () => (server.close(), fs.rmSync(dir, { recursive: true, force: true })) };
}

const stream = (socketPath: string) => httpClient({ socketPath }).stream('/apps/shop/config', { set: { A: '1' } }, () => {});

test('a daemon that goes after queueing the command: the user is told it still runs, and where to look', async (t) => {
  const daemon = await fakeDaemon((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write(JSON.stringify({ accepted: true }) + '\n');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  const err = await t.throwsAsync(stream(daemon.socketPath));
  t.regex(err!.message, /the command was queued: unless it had started, it runs when the daemon is back \(see paas releases shop and paas ps shop\)/);
  daemon.close();
});

test('a daemon that goes before it answers: the user is told the command may have been queued, not that the daemon is unreachable', async (t) => {
  const daemon = await fakeDaemon((_req, res) => res.socket?.destroy());
  const err = await t.throwsAsync(stream(daemon.socketPath));
  t.regex(err!.message, /may have queued the command before it went: if it did, it runs when the daemon is back \(see paas releases shop/);
  t.notRegex(err!.message, /cannot reach/);
  daemon.close();
});

test('a daemon that refused before queueing: no promise that the command runs', async (t) => {
  const daemon = await fakeDaemon((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write(JSON.stringify({ line: '-----> Setting config vars' }) + '\n');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  const err = await t.throwsAsync(stream(daemon.socketPath));
  t.is(err!.message, 'lost the connection to the paas daemon');
  daemon.close();
});

test('no daemon at all: says it cannot be reached and how to start it', async (t) => {
  const err = await t.throwsAsync(stream(path.join(os.tmpdir(), 'paas-no-such-daemon.sock')));
  t.regex(err!.message, /cannot reach the paas daemon at .*\(is "paas server" running\?\)/);
});
