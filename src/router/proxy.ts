// The HTTP and HTTPS router: ACME challenges first, then routes by Host to an app's live containers through http-proxy, WebSockets included.
// A request whose connection to a target is refused or reset before any response byte is retried once on
// another live target of the app (safe methods only), so a container that dies never shows as a 502.
import http from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import httpProxy from 'http-proxy';
import type { RouteTable, Target } from './route-table.js';
import { stripHopByHop } from './hop-by-hop.js';
import { relayResponse } from './relay.js';
import {
  BAD_GATEWAY_PAGE,
  BAD_REQUEST_PAGE,
  GATEWAY_TIMEOUT_PAGE,
  METHOD_NOT_ALLOWED_PAGE,
  NOT_FOUND_PAGE,
  STOPPED_PAGE,
  MAINTENANCE_PAGE,
  MAINTENANCE_RETRY_AFTER,
  VERSION_NOT_SUPPORTED_PAGE,
} from './pages.js';
import { absoluteTarget, refusal } from './request-checks.js';
import type { Inflight } from './inflight.js';
import { hostOf } from './hostname.js';
import { ChallengeStore } from '../tls/challenges.js';
import { daemonLog } from '../log.js';

const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const RETRYABLE_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** Pure: whether a failed proxied request may be sent again to another target. */
export function mayRetry(method: string | undefined, errorCode: string | undefined, responseStarted: boolean, attempt: number): boolean {
  return attempt === 0 && !responseStarted && RETRYABLE_METHODS.has(method ?? '') && RETRYABLE_ERRORS.has(errorCode ?? '');
}

function forwardedHeaders(req: http.IncomingMessage, proto: 'http' | 'https'): void {
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  req.headers['x-forwarded-for'] = prior ? `${prior}, ${client}` : client;
  req.headers['x-forwarded-proto'] = proto;
  req.headers['x-forwarded-host'] = req.headers.host ?? '';
}

function sendPage(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Pure: the least loaded target of `app` other than `avoid` (after a swap, among the table's new targets). */
export function pickOther(table: RouteTable, app: string, avoid: string, load: (url: string) => number): Target | undefined {
  let best: Target | undefined;
  for (const target of table.targets(app)) {
    if (target.url !== avoid && (!best || load(target.url) < load(best.url))) best = target;
  }
  return best;
}

export interface RouterOptions {
  port: number;
  domain: string;
  host?: string;
  inflight: Inflight;
  /** ACME HTTP-01 answers, served before any app routing. */
  challenges?: ChallengeStore;
  /** For HTTP -> HTTPS redirects: the HTTPS port, and whether a hostname has a certificate. */
  https?: { port: number; hasCert: (host: string) => boolean };
  /** How long an app may stay silent while answering (between reads, as nginx's proxy_read_timeout): then 504. */
  upstreamTimeoutMs?: number;
}

/** The error a request to an app ends with when the app stayed silent past the upstream timeout. */
const UPSTREAM_TIMEOUT = 'PAAS_UPSTREAM_TIMEOUT';

type Proto = 'http' | 'https';

export interface Router {
  request(proto: Proto): (req: http.IncomingMessage, res: http.ServerResponse) => void;
  upgrade(proto: Proto): (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
  close(): void;
}

/** Pure: where a plain HTTP request goes on HTTPS. */
export function httpsLocation(hostHeader: string, url: string, httpsPort: number): string {
  return `https://${hostOf(hostHeader)}${httpsPort === 443 ? '' : `:${httpsPort}`}${url}`;
}

/** The router's request handling, shared by its HTTP and HTTPS listeners. */
export function createRouter(table: RouteTable, options: RouterOptions): Router {
  const { inflight } = options;
  const load = (url: string) => inflight.count(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 10_000 });
  const proxy = httpProxy.createProxyServer({ agent, ws: true, xfwd: false, selfHandleResponse: true });

  // Whatever an app answers, only its own request can fail: a response that cannot be relayed becomes a 502.
  proxy.on('proxyRes', (proxyRes, req, res) => {
    if (!relayResponse(proxyRes, res as http.ServerResponse)) {
      daemonLog('router.bad_response', { host: req.headers.host, status: proxyRes.statusCode });
      sendPage(res as http.ServerResponse, 502, BAD_GATEWAY_PAGE);
    }
  });
  proxy.on('proxyReq', (proxyReq, req, res) => {
    if (options.upstreamTimeoutMs) {
      proxyReq.setTimeout(options.upstreamTimeoutMs, () =>
        proxyReq.destroy(Object.assign(new Error('the app did not answer in time'), { code: UPSTREAM_TIMEOUT })),
      );
    }
    // A 101 to a request that asked for no upgrade: nothing to relay.
    proxyReq.on('upgrade', (_proxyRes, socket) => {
      socket.destroy();
      daemonLog('router.bad_response', { host: req.headers.host, status: 101 });
      sendPage(res, 502, BAD_GATEWAY_PAGE);
    });
  });

  const forward = (app: string, target: Target, req: http.IncomingMessage, res: http.ServerResponse, attempt: number): void => {
    inflight.begin(target.url);
    let ended = false;
    const end = () => {
      if (!ended) inflight.end(target.url);
      ended = true;
    };
    res.once('close', end);
    proxy.web(req, res, { target: target.url }, (err) => {
      end();
      res.removeListener('close', end);
      const code = (err as NodeJS.ErrnoException).code;
      const other = mayRetry(req.method, code, res.headersSent, attempt) ? pickOther(table, app, target.url, load) : undefined;
      if (other) forward(app, other, req, res, attempt + 1);
      else if (code === UPSTREAM_TIMEOUT) sendPage(res, 504, GATEWAY_TIMEOUT_PAGE);
      else sendPage(res, 502, BAD_GATEWAY_PAGE);
    });
  };

  /** Refuses what nginx refuses, and takes an absolute-form target's host over the Host header. */
  const admit = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const status = refusal(req);
    if (status) {
      sendPage(res, status, status === 405 ? METHOD_NOT_ALLOWED_PAGE : status === 505 ? VERSION_NOT_SUPPORTED_PAGE : BAD_REQUEST_PAGE);
      return false;
    }
    const absolute = absoluteTarget(req.url);
    if (absolute) {
      req.url = absolute.path;
      req.headers.host = absolute.host;
    }
    return true;
  };

  const handle = (proto: Proto, req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (!admit(req, res)) return;
    if (options.challenges && ChallengeStore.isChallengePath(req.url)) {
      const answer = options.challenges.answer(req.url);
      if (answer === undefined) return sendPage(res, 404, NOT_FOUND_PAGE);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(answer) });
      return void res.end(answer);
    }
    const app = table.appFor(req.headers.host, options.domain);
    if (app && table.inMaintenance(app)) return sendPage(res, 503, MAINTENANCE_PAGE, { 'retry-after': String(MAINTENANCE_RETRY_AFTER) });
    const target = app ? table.pick(app, load) : undefined;
    if (!app || !target) return app && table.isStopped(app) ? sendPage(res, 503, STOPPED_PAGE) : sendPage(res, 404, NOT_FOUND_PAGE);
    if (proto === 'http' && options.https && table.redirectsToHttps(app) && options.https.hasCert(hostOf(req.headers.host ?? ''))) {
      res.writeHead(301, { location: httpsLocation(req.headers.host ?? '', req.url ?? '/', options.https.port), 'content-length': 0 });
      return void res.end();
    }
    stripHopByHop(req.headers as Record<string, string | string[] | undefined>);
    forwardedHeaders(req, proto);
    forward(app, target, req, res, 0);
  };

  /**
   * Upgrades other than a WebSocket GET (h2c from `curl --http2`, a POST asking for a WebSocket) are served as
   * ordinary requests, upgrade ignored, as nginx does; with a body there is no request stream left to send, so 400.
   */
  const asPlainRequest = (proto: Proto, req: http.IncomingMessage, socket: Duplex): void => {
    const res = new http.ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as net.Socket);
    res.on('finish', () => socket.end());
    delete req.headers.upgrade;
    const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
    if (hasBody || req.headers['transfer-encoding'] !== undefined) return sendPage(res, 400, BAD_REQUEST_PAGE);
    handle(proto, req, res);
  };

  return {
    request: (proto) => (req, res) => handle(proto, req, res),
    upgrade: (proto) => (req, socket, head) => {
      socket.on('error', () => socket.destroy());
      if (req.method !== 'GET' || String(req.headers.upgrade).toLowerCase() !== 'websocket') return asPlainRequest(proto, req, socket);
      const bad = refusal(req);
      if (bad) return void socket.end(`HTTP/1.1 ${bad} ${http.STATUS_CODES[bad]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      const app = table.appFor(req.headers.host, options.domain);
      const target = app && !table.inMaintenance(app) ? table.pick(app, load) : undefined;
      if (!target) {
        // The same answer as plain HTTP gets: 503 for a stopped app or one in maintenance, else 404.
        const status = app && (table.isStopped(app) || table.inMaintenance(app)) ? 503 : 404;
        socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
        return;
      }
      stripHopByHop(req.headers as Record<string, string | string[] | undefined>, ['upgrade', 'connection']);
      forwardedHeaders(req, proto);
      inflight.addSocket(target.url, socket);
      proxy.ws(req, socket, head, { target: target.url }, () => socket.destroy());
    },
    close: () => agent.destroy(),
  };
}

/** The router is no forward proxy: CONNECT gets a 405, not a silent close. */
function refuseConnect(_req: http.IncomingMessage, socket: Duplex): void {
  socket.on('error', () => socket.destroy());
  socket.end('HTTP/1.1 405 Method Not Allowed\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
}

async function listen(server: http.Server, port: number, host: string): Promise<void> {
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** Serves `router` over plain HTTP on `port` (0: any free port). */
export async function listenHttp(router: Router, port: number, host = '0.0.0.0'): Promise<http.Server> {
  const server = http.createServer(router.request('http'));
  server.on('upgrade', router.upgrade('http'));
  server.on('connect', refuseConnect);
  await listen(server, port, host);
  return server;
}

/** Serves `router` over HTTPS on `port`, choosing each handshake's certificate by SNI. */
export async function listenHttps(
  router: Router,
  port: number,
  sni: (servername: string) => tls.SecureContext | undefined,
  host = '0.0.0.0',
): Promise<https.Server> {
  const server = https.createServer({
    SNICallback: (servername, done) => {
      const context = sni(servername);
      if (context) done(null, context);
      else done(new Error(`no certificate for ${servername}`));
    },
  });
  server.on('request', router.request('https'));
  server.on('upgrade', router.upgrade('https'));
  server.on('connect', refuseConnect);
  await listen(server, port, host);
  return server;
}

/** Starts the HTTP router on `options.port` and resolves once it listens. */
export async function startRouter(table: RouteTable, options: RouterOptions): Promise<http.Server> {
  const router = createRouter(table, options);
  const server = await listenHttp(router, options.port, options.host);
  server.on('close', () => router.close());
  return server;
}
