// No client can end the daemon by going away: every streaming route (server-sent events, NDJSON streams, the
// `run` upgrade, SSH commands that follow) is opened as an admin and as a collaborator while the app prints
// lines, and the connection is reset at a random byte, over a thousand times. The daemon must still serve.
import test from 'ava';
import net from 'node:net';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { fixtureRepo, portClosedToApps, removeApps, sshOptions, startDaemon, uniqueName, type Daemon } from './_daemon.js';

const app = uniqueName('sa');
let daemon: Daemon;
let apiPort: number;
let adminToken: string;
let collaboratorToken: string;

/** The secret of a token the CLI just made (its last line). */
async function makeToken(args: string[]): Promise<string> {
  const made = await daemon.paas(['tokens:create', ...args]);
  if (made.code !== 0) throw new Error(made.output);
  return made.stdout.trim().split('\n').at(-1)!.trim();
}

test.before(async () => {
  apiPort = await portClosedToApps();
  daemon = await startDaemon({ env: { PAAS_API_PORT: String(apiPort) } });
  const pushed = await daemon.push(await fixtureRepo('dockerfile-hello'), app);
  if (pushed.code !== 0) throw new Error(pushed.output);
  adminToken = await makeToken(['abort-admin']);
  collaboratorToken = await makeToken(['abort-collab', '--app', app]);
});

test.after.always(async () => {
  await daemon?.stop();
  await removeApps([app]);
});

interface Probe {
  method: string;
  path: string;
  accept?: string;
  body?: unknown;
  /** An upgrade to the `run` protocol with this command. */
  run?: string[];
}

/** Streaming routes (each as SSE and as NDJSON where both exist), plus a sample of plain ones. */
function probes(): Probe[] {
  const sse = 'text/event-stream';
  return [
    { method: 'GET', path: `/apps/${app}/logs/live`, accept: sse },
    { method: 'GET', path: `/apps/${app}/logs/live` },
    { method: 'GET', path: '/activity', accept: sse },
    { method: 'GET', path: '/activity' },
    { method: 'GET', path: `/apps/${app}/activity`, accept: sse },
    { method: 'GET', path: `/apps/${app}/ps/live`, accept: sse },
    { method: 'GET', path: `/apps/${app}/ps/live` },
    { method: 'POST', path: `/apps/${app}/logs`, body: { follow: true, tail: 100 } },
    { method: 'POST', path: `/apps/${app}/logs`, body: { follow: true, tail: 100 }, accept: sse },
    { method: 'POST', path: `/apps/${app}/logs`, body: { follow: false, tail: 1000 } },
    { method: 'GET', path: '/overview' },
    { method: 'GET', path: `/apps/${app}/info` },
    { method: 'GET', path: `/apps/${app}/releases` },
    { method: 'GET', path: `/apps/${app}/events` },
  ];
}

function requestText(probe: Probe, token: string): string {
  const body = probe.body === undefined ? '' : JSON.stringify(probe.body);
  const headers = [
    `${probe.method} ${probe.path} HTTP/1.1`,
    `host: 127.0.0.1:${apiPort}`,
    `authorization: Bearer ${token}`,
    ...(probe.accept ? [`accept: ${probe.accept}`] : []),
    ...(probe.run
      ? ['connection: Upgrade', 'upgrade: paas-run', `x-paas-run: ${Buffer.from(JSON.stringify({ command: probe.run, tty: false })).toString('base64url')}`]
      : []),
    ...(body ? ['content-type: application/json', `content-length: ${Buffer.byteLength(body)}`] : []),
  ];
  return headers.join('\r\n') + '\r\n\r\n' + body;
}

/**
 * Sends the request, then resets the connection (RST) after a random count of the answer's bytes (0 included:
 * before any answer), or after `maxMs` whatever came. Resolves with the bytes seen.
 */
function openAndReset(probe: Probe, token: string, maxMs: number): Promise<number> {
  return new Promise((resolve) => {
    const cut = Math.random() < 0.2 ? 0 : Math.floor(Math.random() * 4000);
    const socket = net.connect(apiPort, '127.0.0.1');
    let seen = 0;
    const reset = () => {
      clearTimeout(timer);
      if (!socket.destroyed) socket.resetAndDestroy();
      resolve(seen);
    };
    const timer = setTimeout(reset, maxMs);
    socket.on('error', () => reset());
    socket.on('close', () => reset());
    socket.on('connect', () => {
      socket.write(requestText(probe, token));
      if (cut === 0 && Math.random() < 0.5) setImmediate(reset);
    });
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen >= cut) reset();
    });
  });
}

function apiHealth(): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port: apiPort, path: '/health', headers: { authorization: `Bearer ${adminToken}` }, timeout: 5000, agent: false },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** Asks the app for its page in a loop (so that it and the router print lines), bounded by `until`. */
async function keepAppBusy(until: () => boolean): Promise<number> {
  let answered = 0;
  const deadline = Date.now() + 5 * 60_000;
  while (!until() && Date.now() < deadline) {
    const r = await daemon.get(app).catch(() => ({ status: 0 }));
    if (r.status === 200) answered++;
    await new Promise((res) => setTimeout(res, 5));
  }
  return answered;
}

test.serial('a thousand clients that reset their streams at random bytes leave the daemon serving', async (t) => {
  let done = false;
  const busy = keepAppBusy(() => done);
  const list = probes();
  const callers = [adminToken, collaboratorToken];
  let aborts = 0;
  let bytes = 0;
  const TOTAL = 1200;
  const worker = async () => {
    while (aborts < TOTAL) {
      aborts++;
      const probe = list[Math.floor(Math.random() * list.length)]!;
      bytes += await openAndReset(probe, callers[aborts % 2]!, 800);
    }
  };
  await Promise.all(Array.from({ length: 24 }, worker));
  // The `run` upgrade, cut at random points while its one-off prints: fewer, each starts a container.
  const runProbe: Probe = { method: 'POST', path: `/apps/${app}/run`, run: ['sh', '-c', 'while true; do echo line; done'] };
  for (let i = 0; i < 12; i++) {
    bytes += await openAndReset(runProbe, callers[i % 2]!, 300 + Math.random() * 3000);
    aborts++;
  }
  // SSH commands that follow the logs, cut by killing the client at random times.
  for (let i = 0; i < 12; i++) {
    const ssh = spawn('ssh', [...sshOptions(daemon.keyFile), '-T', '-p', String(daemon.sshPort), 'git@127.0.0.1', 'logs', app, '--tail'], { stdio: 'ignore' });
    await new Promise((res) => setTimeout(res, 200 + Math.random() * 1500));
    ssh.kill('SIGKILL');
    aborts++;
  }
  done = true;
  const answered = await busy;
  t.log(`${aborts} aborted streams, ${bytes} bytes read before the resets, ${answered} app requests answered meanwhile`);
  t.true(aborts >= 1000);
  t.is(await apiHealth(), 200, 'the API still answers');
  const listed = await daemon.paas(['apps']);
  t.is(listed.code, 0, listed.output);
  t.regex(listed.stdout, new RegExp(app));
  const page = await daemon.get(app);
  t.is(page.status, 200);
  t.notRegex(daemon.log(), /SseError|Uncaught|ERR_STREAM_WRITE_AFTER_END|unhandled/i);
});

test.serial('wrong tokens are slowed per source: past ten a minute the source is refused at once, and the log has a line per burst', async (t) => {
  const ask = (token: string) =>
    new Promise<{ status: number; body: string }>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: apiPort, path: '/apps', headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', () => resolve({ status: 0, body: '' }));
    });
  const logged = () => (daemon.log().match(/event=auth\.refused door=tcp/g) ?? []).length;
  const before = logged();
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) statuses.push((await ask(`paas_wrong${i}`)).status);
  t.deepEqual(statuses.slice(0, 10), Array(10).fill(401), 'the first ten are told the token is wrong');
  t.deepEqual(statuses.slice(11), Array(29).fill(429), 'then the source is held back');
  const held = await ask(adminToken);
  t.is(held.status, 429, 'even a right token waits while its source is held back (no guessing meanwhile)');
  t.regex(held.body, /too many failed sign-ins from 127\.0\.0\.1: try again in \d+ s with a valid token/);
  t.true(logged() - before <= 2, `${logged() - before} log lines for 41 refusals`);
});
