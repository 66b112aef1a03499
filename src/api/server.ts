// The HTTP door of the API: the unix socket in the data dir (root only, every caller an admin) and, when
// configured, a TCP listener (HTTPS when given a certificate) where every request needs an API token.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Services } from '../services.js';
import { PaasError, asPaasError } from '../errors.js';
import { daemonLog, ERROR } from '../log.js';
import type { LineWriter } from '../queue/run-queued.js';
import { LOCAL_ADMIN, type Caller } from '../auth/caller.js';
import { bearerRefusal, callerForBearer } from '../auth/tokens.js';
import { Download, dispatch, Streamed, Text } from './dispatch.js';
import { ROUTES } from './routes.js';
import { serveRunUpgrade } from './run-upgrade.js';
import { DashboardDoor } from './dashboard-door.js';
import { createSession } from 'better-sse';
import { clientSink } from './client-sink.js';
import { SignInLimiter } from '../auth/sign-in-limiter.js';

const MAX_BODY = 1024 * 1024;

type Identify = (req: http.IncomingMessage) => Promise<Caller>;

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the caller still gets the error as an answer.
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return reject(new PaasError('PAAS_ERR_INVALID_INPUT', 'request body over 1 MB'));
      if (size === 0) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new PaasError('PAAS_ERR_INVALID_INPUT', 'request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** Streams lines as NDJSON ({"line"} ... then {"exit"}); stops following when the caller goes away. */
async function writeStreamed(streamed: Streamed, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const sink = clientSink(res, `${req.method} ${req.url}`, undefined, [req.socket]);
  const write: LineWriter = Object.assign((line: string) => sink.write(JSON.stringify({ line }) + '\n'), {
    accepted: () => sink.write(JSON.stringify({ accepted: true }) + '\n'),
  });
  const exit = await streamed.run(write, sink.signal);
  if (!sink.gone) res.end(JSON.stringify({ exit }) + '\n');
}

/** Streams a file's bytes (a backup) as the answer. */
async function writeFile(file: string, res: http.ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': fs.statSync(file).size });
  await pipeline(fs.createReadStream(file), res);
}

/** Streams lines as server-sent events (`line` events, then one `exit`), for the dashboard's EventSource. */
async function writeEvents(streamed: Streamed, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const session = await createSession(req, res, { retry: 2000, keepAlive: 15_000 });
  const sink = clientSink<[unknown, string]>(res, `SSE ${req.url}`, ([data, event]) => session.push(data, event), [req.socket]);
  session.on('disconnected', () => sink.stop());
  const exit = await streamed.run((line) => sink.write([line, 'line']), sink.signal);
  sink.write([exit, 'exit']);
  if (!res.writableEnded) res.end();
}

async function handle(services: Services, identify: Identify, req: http.IncomingMessage, res: http.ServerResponse, door?: DashboardDoor): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  try {
    if (door && (await door.serve(req, res, path, () => readBody(req)))) return;
    const caller = await identify(req);
    const body = await readBody(req);
    const result = await dispatch(services, ROUTES, caller, req.method ?? 'GET', path, body);
    if (result instanceof Streamed) {
      if (/\btext\/event-stream\b/.test(req.headers.accept ?? '')) return await writeEvents(result, req, res);
      return await writeStreamed(result, req, res);
    }
    if (result instanceof Download) return await writeFile(result.file, res);
    if (result instanceof Text) {
      res.writeHead(200, { 'content-type': result.contentType });
      return void res.end(result.body);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(result ?? null));
  } catch (err) {
    const error = asPaasError(err);
    if (error.code === 'PAAS_ERR_INTERNAL') daemonLog('api.error', { path, error: err instanceof Error ? err.stack : err });
    if (res.headersSent) {
      res.end(JSON.stringify({ line: `${ERROR}${error.message}` }) + '\n' + JSON.stringify({ exit: 1 }) + '\n');
      return;
    }
    res.writeHead(error.httpStatus, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: error.toJSON() }));
  }
}

function serve(services: Services, server: http.Server, identify: Identify, door?: DashboardDoor, identifyUpgrade: Identify = identify): void {
  // A request's failure ends that request only: whatever escapes its handler is logged and its socket closed.
  server.on('request', (req, res) =>
    handle(services, identify, req, res, door).catch((err: unknown) => {
      daemonLog('api.error', { path: (req.url ?? '/').split('?')[0], error: err instanceof Error ? err.stack : err });
      res.destroy();
    }),
  );
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
    // Node takes its error listener off an upgraded socket: a reset while the caller is identified must not end the daemon.
    socket.on('error', () => socket.destroy());
    identifyUpgrade(req).then(
      (caller) => serveRunUpgrade(services, caller, req, socket),
      (err) => {
        const error = asPaasError(err);
        socket.end(
          `HTTP/1.1 ${error.httpStatus} Refused\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify({ error: error.toJSON() })}`,
        );
      },
    );
  });
  server.requestTimeout = 0;
}

async function listen(server: http.Server, ...args: unknown[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    (server.listen as (...a: unknown[]) => void)(...args, () => resolve());
  });
}

/** Listens on the unix socket `socketPath` (mode 0600: root only); whoever can open it is an admin. */
export async function startAdminApi(services: Services, socketPath: string): Promise<http.Server> {
  fs.rmSync(socketPath, { force: true });
  const server = http.createServer();
  serve(services, server, async () => LOCAL_ADMIN);
  await listen(server, socketPath);
  fs.chmodSync(socketPath, 0o600);
  return server;
}

export interface TcpApiOptions {
  port: number;
  host: string;
  /** PEM certificate chain and key: HTTPS; without them plain HTTP (for loopback or a TLS-terminating proxy). */
  tls?: { cert: Buffer; key: Buffer } | undefined;
}

/**
 * Listens on TCP; every request must carry `Authorization: Bearer <token>` of a token in the store, or the
 * dashboard's session cookie (which the dashboard, served here at /, sets on sign-in with a token).
 */
export async function startTcpApi(services: Services, options: TcpApiOptions): Promise<http.Server> {
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }) : http.createServer();
  const limiter = new SignInLimiter();
  const door = new DashboardDoor(services.db, options.tls !== undefined, limiter);
  const bearer = async (req: http.IncomingMessage) => {
    const source = req.socket.remoteAddress ?? 'unknown';
    await limiter.check(source);
    const caller = await callerForBearer(services.db, req.headers.authorization);
    if (!caller) {
      // Only a token that was given and is wrong counts as a guess (a browser signed out sends none).
      if (!req.headers.authorization || (await limiter.failed(source)))
        daemonLog('auth.refused', { door: 'tcp', remote: source, path: (req.url ?? '').split('?')[0] });
      const refusal = await bearerRefusal(services.db, req.headers.authorization);
      if (refusal) throw new PaasError('PAAS_ERR_UNAUTHENTICATED', refusal);
      throw new PaasError('PAAS_ERR_UNAUTHENTICATED', 'an API token is required: paas tokens:create NAME on the server, then PAAS_API_TOKEN=...');
    }
    return caller;
  };
  // An upgrade (`run`'s terminal) takes a bearer token only: the dashboard never opens one.
  serve(services, server, async (req) => (req.headers.authorization ? undefined : await door.callerOfCookie(req)) ?? (await bearer(req)), door, bearer);
  await listen(server, options.port, options.host);
  return server;
}
