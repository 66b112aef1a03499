// Pure: the HAProxy configuration the data plane runs, and its map and crt-list files, from the routing state.
// What the Runtime API changes (servers, map entries, certificates) is also written here, so that a reload (the
// one thing a new app's backend needs) starts from exactly what serves.
import { MAINTENANCE_RETRY_AFTER } from '../pages.js';
import type { Target } from '../../ports/data-plane.js';
import { createHash } from 'node:crypto';
import { ACCESS_LOG_FORMAT, SERVER_PREFIX } from './access-log.js';

export interface HaproxyPaths {
  dir: string;
  config: string;
  hostsMap: string;
  redirectMap: string;
  crtList: string;
  adminSocket: string;
  masterSocket: string;
  acmeSocket: string;
  /** Where HAProxy's Prometheus exporter answers (the daemon's /metrics reads it). */
  metricsSocket: string;
  pidFile: string;
  accessLog: string;
  /** The FIFO HAProxy writes its log to, and the pid file of the process that writes it to accessLog. */
  accessLogFifo: string;
  logWriterPid: string;
  /** Error pages as raw HTTP responses. */
  pages: { notFound: string; badGateway: string; unreachable: string; stopped: string; maintenance: string; gatewayTimeout: string; badRequest: string };
}

export interface HaproxyListen {
  httpPort: number;
  httpsPort: number;
  /** Every address when absent. */
  host?: string;
  /** Between reads from an app, as nginx's proxy_read_timeout: then 504. */
  upstreamTimeoutMs: number;
  /** One line per request in the access log (it costs about a tenth of the throughput: PAAS_ACCESS_LOG=0 turns it off). */
  accessLog?: boolean;
}

export interface RoutingState {
  /** Each app's backend: its targets; an app with a backend but no targets answers 503 (stopped). */
  apps: Map<string, { targets: readonly Target[] }>;
  /** Host -> app, for hosts that route now (the app has targets, or is stopped). */
  hosts: Map<string, string>;
  /** Hosts whose plain HTTP requests are redirected to HTTPS. */
  redirects: Set<string>;
  /** Certificate files, one per host. */
  certFiles: string[];
}

/** The backend of an app (app names are DNS labels: safe in HAProxy names). */
export function backendName(app: string): string {
  return `app_${app}`;
}

/**
 * The server of a target: named by its replica id and address, so the same replica keeps its name across daemon
 * restarts, and one back at a new address (its container restarted by the engine, its Swarm task replaced on
 * another node) is a new server: the old one, with its idle connections to an address that is gone, drains away.
 */
export function serverName(target: Pick<Target, 'id' | 'url' | 'protocol'>): string {
  const url = new URL(target.url);
  // The protocol is part of the name: a change of it is a new server, which takes the traffic as the old drains.
  const address = `${url.hostname}_${url.port || 80}${target.protocol === 'h2c' ? '_h2c' : ''}`.replace(/[^a-zA-Z0-9._]/g, '_');
  return target.id ? `${SERVER_PREFIX}${target.id.slice(0, 16)}-${address}` : `${SERVER_PREFIX}${address}`;
}

/** The options of one app server: the shared ones, and HTTP/2 for an h2c target. */
export function serverOptions(target: Pick<Target, 'protocol'>): string {
  return target.protocol === 'h2c' ? `${SERVER_OPTIONS} proto h2` : SERVER_OPTIONS;
}

/** host:port of a target's URL. */
export function serverAddress(target: Pick<Target, 'url'>): string {
  const url = new URL(target.url);
  return `${url.hostname}:${url.port || 80}`;
}

/**
 * The options every app server gets, in the file and when added at runtime (added servers take no default-server):
 * idle keep-alive connections to the app are kept and reused (without pool-purge-delay a server added at runtime
 * keeps none, and every request opens a new connection).
 */
export const SERVER_OPTIONS = 'pool-purge-delay 5s';

/**
 * How long HAProxy waits for a replica to accept a connection before it tries another: long enough for two SYN
 * retransmits (1 s, 3 s; a replica just started on another node sometimes needs them, across the overlay), short
 * enough that a request sent to a replica whose node died is retried on a live one within it.
 */
export const CONNECT_TIMEOUT_MS = 5000;

/** The backend a stopped app's hosts map to: it answers the stopped page (503). */
export const STOPPED_BACKEND = 'stopped';
/** The backend the hosts of an app in maintenance map to: the maintenance page (503, Retry-After). */
export const MAINTENANCE_BACKEND = 'maintenance';

/** Pure: an error page as the raw HTTP response `errorfile` wants. */
export function rawResponse(status: number, reason: string, body: string): string {
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/html; charset=utf-8\r\ncache-control: no-store\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

const ms = (n: number) => `${Math.max(1, Math.round(n))}ms`;

/** The first line's prefix: the fingerprint of the configuration's routing-independent part follows. */
export const STATIC_MARK = '# paas static ';

/** Pure: the fingerprint line of a configuration file's text (its first line), or '' when it has none. */
export function staticMark(config: string): string {
  const first = config.slice(0, config.indexOf('\n') + 1 || undefined).trim();
  return first.startsWith(STATIC_MARK) ? first : '';
}

/** Pure: the whole configuration file. */
export function renderConfig(paths: HaproxyPaths, listen: HaproxyListen, state: RoutingState): string {
  const bindHost = listen.host ?? '';
  // The request's host, as the maps hold it (lower case, no port, no trailing dot), computed once per request.
  const host = 'var(txn.host)';
  const redirect =
    listen.httpsPort === 443
      ? 'http-request redirect scheme https code 301'
      : `http-request redirect location https://%[${host}]:${listen.httpsPort}%[capture.req.uri] code 301`;
  const lines = [
    '# Written by the paas daemon; changes made here are lost on its next write.',
    'global',
    '  master-worker',
    `  stats socket ${paths.adminSocket} mode 600 level admin expose-fd listeners`,
    '  stats timeout 2m',
    '  log stdout format raw local0',
    '  hard-stop-after 5m',
    '  nbthread 1',
    '  tune.ssl.default-dh-param 2048',
    // QUIC on HAProxy 3.0 built against OpenSSL (not quictls): its compatibility layer, without 0-RTT.
    '  limited-quic',
    'defaults',
    '  mode http',
    listen.accessLog === false ? '  no log' : '  log global',
    // One line per request: when, who, which app and replica, what, the answer and its time.
    `  log-format "${ACCESS_LOG_FORMAT}"`,
    '  option http-keep-alive',
    // On a reload the old worker answers the next request of each idle keep-alive connection with "Connection:
    // close" rather than closing it under a client that may be sending on it.
    '  option idle-close-on-response',
    '  option forwardfor',
    // A connection an app refuses or resets before answering is tried again, on another replica; so is a GET or
    // HEAD whose connection ended with no answer at all (a replica that died with it, its connection aborted by
    // the daemon), as any client would retry it. Other methods are not sent twice. Twice at most: when a node
    // dies with two replicas, the first retry may go to the other one before either has left the routes.
    '  option redispatch 1',
    '  retries 2',
    '  retry-on conn-failure empty-response',
    `  timeout connect ${ms(CONNECT_TIMEOUT_MS)}`,
    '  timeout client 60s',
    `  timeout server ${ms(listen.upstreamTimeoutMs)}`,
    // Slow headers: nginx's client_header_timeout is 60 s; requests get 10 s for their headers here.
    '  timeout http-request 10s',
    '  timeout http-keep-alive 65s',
    '  timeout tunnel 1h',
    '  timeout queue 5s',
    `  errorfile 400 ${paths.pages.badRequest}`,
    `  errorfile 502 ${paths.pages.badGateway}`,
    // HAProxy's own 503 (no replica could be connected to) is what nginx calls a 502; a stopped app's 503 is below.
    `  errorfile 503 ${paths.pages.unreachable}`,
    `  errorfile 504 ${paths.pages.gatewayTimeout}`,
    '',
    'frontend http',
    // HTTP/1 only on the plain port, as nginx without http2: an HTTP/2 preface is a bad request, not h2c.
    `  bind ${bindHost}:${listen.httpPort} proto h1`,
    `  bind ${bindHost}:${listen.httpsPort} ssl crt-list ${paths.crtList} strict-sni alpn h2,http/1.1`,
    // HTTP/3 on the same port number over UDP, with the same certificates (the crt-list is shared, runtime
    // additions included), advertised to HTTPS clients with Alt-Svc.
    `  bind quic4@${bindHost}:${listen.httpsPort} ssl crt-list ${paths.crtList} strict-sni alpn h3`,
    '  http-request set-var(txn.host) req.hdr(host),lower,field(1,:)',
    // A trailing dot (a fully qualified name) is dropped; the regex runs only for the rare host that has one.
    '  http-request set-var(txn.host) var(txn.host),regsub(\\.$,) if { var(txn.host) -m end . }',
    '  http-request set-header X-Forwarded-Proto %[ssl_fc,iif(https,http)]',
    // As nginx: TRACE (it would echo cookies back) and CONNECT (this is no forward proxy) are not allowed.
    '  http-request deny deny_status 405 if METH_TRACE || METH_CONNECT',
    // "GET / HTTP/2.0" over HTTP/1 is no HTTP/2 request: a 505, as nginx answers (false at its first test for HTTP/1.1).
    '  http-request return status 505 content-type text/plain string "HTTP version not supported\\n" if !{ req.ver 1.1 } !{ req.ver 1.0 } !{ ssl_fc }',
    '  http-request disable-l7-retry unless METH_GET || METH_HEAD',
    // Only WebSocket upgrades are passed on; any other (h2c from curl --http2) is answered as a plain request.
    '  http-request del-header upgrade if { req.hdr(upgrade) -m found } !{ req.hdr(upgrade) -i websocket }',
    // The client's Connection options are its own with HAProxy (RFC 9110 7.6.1), not the app's.
    '  http-request del-header connection if !{ req.hdr(upgrade) -m found }',
    // The app gets the origin form of an absolute-form target (HAProxy has checked that it names the same host).
    '  http-request set-uri %[pathq] if { url_beg -i http:// https:// }',
    '  http-request set-header X-Forwarded-Host %[req.hdr(host)]',
    '  acl acme path_beg /.well-known/acme-challenge/',
    `  ${redirect} if !{ ssl_fc } !acme { ${host},map(${paths.redirectMap}) -m found }`,
    // Status lines HAProxy lets through but no client can use ("HTTP/1.1 000", "999"): a 502, as nginx answers.
    '  http-response deny deny_status 502 if { status lt 100 } || { status gt 599 }',
    `  http-response set-header alt-svc "h3=\\":${listen.httpsPort}\\"; ma=86400" if { ssl_fc }`,
    // The app's keep-alive terms are between it and HAProxy, not the client's.
    '  http-response del-header keep-alive',
    // Control bytes in an app's response headers (RFC 9110 allows none): a 502 rather than headers clients refuse.
    "  http-response deny deny_status 502 if { res.hdrs -m reg '[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]' }",
    '  use_backend acme if acme',
    `  use_backend %[${host},map(${paths.hostsMap},not_found)]`,
    // No Host header at all (HTTP/1.0): nothing to look up.
    '  default_backend not_found',
    '',
    'backend not_found',
    `  http-request return status 404 content-type "text/html; charset=utf-8" file ${paths.pages.notFound}`,
    '',
    // The hosts of an app stopped on purpose (ps:stop) point here.
    `backend ${STOPPED_BACKEND}`,
    `  http-request return status 503 content-type "text/html; charset=utf-8" hdr cache-control no-store file ${paths.pages.stopped}`,
    '',
    // The hosts of an app in maintenance (maintenance:on) point here; its processes keep running.
    `backend ${MAINTENANCE_BACKEND}`,
    `  http-request return status 503 content-type "text/html; charset=utf-8" hdr cache-control no-store hdr retry-after ${MAINTENANCE_RETRY_AFTER} file ${paths.pages.maintenance}`,
    '',
    'backend acme',
    `  server daemon unix@${paths.acmeSocket}`,
    '',
    // HAProxy's own Prometheus exporter, for the daemon's /metrics only (a socket of the owner's; no log line).
    'frontend prometheus',
    `  bind unix@${paths.metricsSocket} mode 600`,
    '  no log',
    '  http-request use-service prometheus-exporter',
    '',
  ];
  // What does not depend on the routes, fingerprinted on the first line: a daemon that adopts a running HAProxy
  // reloads it when its own fingerprint differs (an upgrade changed the frontend), and only then.
  lines.unshift(`${STATIC_MARK}${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`);
  for (const [app, { targets }] of [...state.apps].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`backend ${backendName(app)}`, '  balance leastconn');
    for (const t of targets) lines.push(`  server ${serverName(t)} ${serverAddress(t)} ${serverOptions(t)}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Pure: a map file (key value per line). */
export function renderMap(entries: Iterable<[string, string]>): string {
  return [...entries].map(([k, v]) => `${k} ${v}\n`).join('');
}
