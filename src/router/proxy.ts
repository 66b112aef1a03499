// The HTTP router: routes by Host to an app's live containers through http-proxy, WebSockets included.
// A request whose connection to a target is refused or reset before any response byte is retried once on
// another live target of the app (safe methods only), so a container that dies never shows as a 502.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import httpProxy from 'http-proxy';
import type { RouteTable, Target } from './route-table.js';
import { stripHopByHop } from './hop-by-hop.js';
import { BAD_GATEWAY_PAGE, NOT_FOUND_PAGE } from './pages.js';
import type { Inflight } from './inflight.js';

const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const RETRYABLE_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** Pure: whether a failed proxied request may be sent again to another target. */
export function mayRetry(method: string | undefined, errorCode: string | undefined, responseStarted: boolean, attempt: number): boolean {
  return attempt === 0 && !responseStarted && RETRYABLE_METHODS.has(method ?? '') && RETRYABLE_ERRORS.has(errorCode ?? '');
}

function forwardedHeaders(req: http.IncomingMessage): void {
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  req.headers['x-forwarded-for'] = prior ? `${prior}, ${client}` : client;
  req.headers['x-forwarded-proto'] = 'http';
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

/** The next target of `app` other than `avoid` when there is one (after a swap, the table's new targets). */
function pickOther(table: RouteTable, app: string, avoid: string): Target | undefined {
  const targets = table.targets(app);
  for (let i = 0; i < targets.length; i++) {
    const target = table.pick(app);
    if (target && target.url !== avoid) return target;
  }
  return undefined;
}

export interface RouterOptions {
  port: number;
  domain: string;
  host?: string;
  inflight: Inflight;
}

/** Starts the router on `port` (0: any free port) and resolves once it listens. */
export async function startRouter(table: RouteTable, options: RouterOptions): Promise<http.Server> {
  const { inflight } = options;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 10_000 });
  const proxy = httpProxy.createProxyServer({ agent, ws: true, xfwd: false });

  proxy.on('proxyRes', (proxyRes) => {
    stripHopByHop(proxyRes.headers);
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
      const other = mayRetry(req.method, (err as NodeJS.ErrnoException).code, res.headersSent, attempt) ? pickOther(table, app, target.url) : undefined;
      if (other) forward(app, other, req, res, attempt + 1);
      else sendPage(res, 502, BAD_GATEWAY_PAGE);
    });
  };

  const server = http.createServer((req, res) => {
    const app = table.appFor(req.headers.host, options.domain);
    const target = app ? table.pick(app) : undefined;
    if (!app || !target) return sendPage(res, 404, NOT_FOUND_PAGE);
    stripHopByHop(req.headers as Record<string, string | string[] | undefined>);
    forwardedHeaders(req);
    forward(app, target, req, res, 0);
  });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const app = table.appFor(req.headers.host, options.domain);
    const target = app ? table.pick(app) : undefined;
    if (!target) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    stripHopByHop(req.headers as Record<string, string | string[] | undefined>, ['upgrade', 'connection']);
    forwardedHeaders(req);
    inflight.addSocket(target.url, socket);
    proxy.ws(req, socket, head, { target: target.url }, () => socket.destroy());
  });

  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  server.on('close', () => agent.destroy());
  return server;
}
