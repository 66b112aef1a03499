// The HTTP and HTTPS router: ACME challenges first, then routes by Host to an app's live containers through http-proxy, WebSockets included.
// A request whose connection to a target is refused or reset before any response byte is retried once on
// another live target of the app (safe methods only), so a container that dies never shows as a 502.
import http from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';
import type { Duplex } from 'node:stream';
import httpProxy from 'http-proxy';
import type { RouteTable, Target } from './route-table.js';
import { stripHopByHop } from './hop-by-hop.js';
import { relayResponse } from './relay.js';
import { BAD_GATEWAY_PAGE, NOT_FOUND_PAGE, STOPPED_PAGE } from './pages.js';
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

function sendPage(res: http.ServerResponse, status: number, body: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
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
}

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
  // A 101 to a request that asked for no upgrade: nothing to relay.
  proxy.on('proxyReq', (proxyReq, req, res) => {
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
      const other = mayRetry(req.method, (err as NodeJS.ErrnoException).code, res.headersSent, attempt) ? pickOther(table, app, target.url, load) : undefined;
      if (other) forward(app, other, req, res, attempt + 1);
      else sendPage(res, 502, BAD_GATEWAY_PAGE);
    });
  };

  return {
    request: (proto) => (req, res) => {
      if (options.challenges && ChallengeStore.isChallengePath(req.url)) {
        const answer = options.challenges.answer(req.url);
        if (answer === undefined) return sendPage(res, 404, NOT_FOUND_PAGE);
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(answer) });
        return void res.end(answer);
      }
      const app = table.appFor(req.headers.host, options.domain);
      const target = app ? table.pick(app, load) : undefined;
      if (!app || !target) return app && table.isStopped(app) ? sendPage(res, 503, STOPPED_PAGE) : sendPage(res, 404, NOT_FOUND_PAGE);
      if (proto === 'http' && options.https && table.redirectsToHttps(app) && options.https.hasCert(hostOf(req.headers.host ?? ''))) {
        res.writeHead(301, { location: httpsLocation(req.headers.host ?? '', req.url ?? '/', options.https.port), 'content-length': 0 });
        return void res.end();
      }
      stripHopByHop(req.headers as Record<string, string | string[] | undefined>);
      forwardedHeaders(req, proto);
      forward(app, target, req, res, 0);
    },
    upgrade: (proto) => (req, socket, head) => {
      const app = table.appFor(req.headers.host, options.domain);
      const target = app ? table.pick(app, load) : undefined;
      if (!target) {
        socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
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
  await listen(server, port, host);
  return server;
}

/** Serves `router` over HTTPS on `port`, choosing each handshake's certificate by SNI. */
export async function listenHttps(router: Router, port: number, sni: (servername: string) => tls.SecureContext | undefined, host = '0.0.0.0'): Promise<https.Server> {
  const server = https.createServer({
    SNICallback: (servername, done) => {
      const context = sni(servername);
      if (context) done(null, context);
      else done(new Error(`no certificate for ${servername}`));
    },
  });
  server.on('request', router.request('https'));
  server.on('upgrade', router.upgrade('https'));
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
