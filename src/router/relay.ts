// Relays an app's response to the client, trusting nothing about it: a status line, header or body the
// client cannot be given ends that one request (a 502 page, or an aborted connection once headers went out).
import type http from 'node:http';
import { stripHopByHop } from './hop-by-hop.js';

/** Pure: whether an upstream status code may be passed on (a final response: 200 to 599, as nginx accepts). */
export function isRelayableStatus(status: number | undefined): status is number {
  return status !== undefined && Number.isInteger(status) && status >= 200 && status <= 599;
}

/**
 * Writes `upstream`'s status and headers to `res` and pipes its body; resolves false (nothing written) when
 * the status or headers cannot be sent, so the caller answers 502. A body that breaks off aborts the client's
 * connection at once, as nginx does, rather than ending it as if complete.
 */
export function relayResponse(upstream: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (!isRelayableStatus(upstream.statusCode)) {
    upstream.destroy();
    return false;
  }
  const headers = { ...upstream.headers } as Record<string, string | string[] | undefined>;
  stripHopByHop(headers);
  try {
    res.writeHead(upstream.statusCode, upstream.statusMessage, headers as http.OutgoingHttpHeaders);
  } catch {
    upstream.destroy();
    // writeHead may have stored some headers before it threw: start over clean.
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    return false;
  }
  // pipe, not stream.pipeline: pipeline's per-stream bookkeeping cost a third of the router's throughput.
  upstream.on('error', () => res.destroy());
  upstream.on('close', () => {
    if (!upstream.complete) res.destroy();
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  upstream.pipe(res);
  return true;
}
