// The HTTP router: routes by Host to an app's live containers through http-proxy, WebSockets included.
import http from 'node:http';
import type { Socket } from 'node:net';
import httpProxy from 'http-proxy';
import { appForHost, type RouteTable } from './route-table.js';
import { stripHopByHop } from './hop-by-hop.js';
import { BAD_GATEWAY_PAGE, NOT_FOUND_PAGE } from './pages.js';

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

/** Starts the router on `port` (0: any free port) and resolves once it listens. */
export async function startRouter(table: RouteTable, options: { port: number; domain: string; host?: string }): Promise<http.Server> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 10_000 });
  const proxy = httpProxy.createProxyServer({ agent, ws: true, xfwd: false });

  proxy.on('proxyRes', (proxyRes) => {
    stripHopByHop(proxyRes.headers);
  });

  const server = http.createServer((req, res) => {
    const app = appForHost(req.headers.host, options.domain);
    const target = app ? table.pick(app) : undefined;
    if (!app || !target) return sendPage(res, 404, NOT_FOUND_PAGE);
    stripHopByHop(req.headers as Record<string, string | string[] | undefined>);
    forwardedHeaders(req);
    proxy.web(req, res, { target: target.url }, () => sendPage(res, 502, BAD_GATEWAY_PAGE));
  });

  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const app = appForHost(req.headers.host, options.domain);
    const target = app ? table.pick(app) : undefined;
    if (!target) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    stripHopByHop(req.headers as Record<string, string | string[] | undefined>, ['upgrade', 'connection']);
    forwardedHeaders(req);
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
