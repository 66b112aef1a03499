// Pure: what the router refuses before routing, as nginx does, and the absolute-form request target.
import type http from 'node:http';

/** The status to refuse `req` with (400: a duplicate Host; 405: TRACE; 505: not HTTP/1.x), or undefined to route it. */
export function refusal(req: Pick<http.IncomingMessage, 'method' | 'rawHeaders' | 'httpVersionMajor'>): 400 | 405 | 505 | undefined {
  // "GET / HTTP/2.0" on a plain HTTP/1 connection is no HTTP/2 request: nginx answers 505.
  if (req.httpVersionMajor !== 1) return 505;
  let hosts = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'host') hosts++;
  if (hosts > 1) return 400;
  if (req.method === 'TRACE' || req.method === 'TRACK') return 405;
  return undefined;
}

/**
 * An absolute-form target (`GET http://host/path`) names the host itself, which wins over the Host header
 * (RFC 9112 3.2.2): resolves with the host and the origin-form path to forward, or undefined for origin-form.
 */
export function absoluteTarget(url: string | undefined): { host: string; path: string } | undefined {
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    return { host: parsed.host, path: `${parsed.pathname}${parsed.search}` };
  } catch {
    return undefined;
  }
}
