// Pure: strips hop-by-hop headers (RFC 9110 7.6.1) from a header object, in place.

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

/** End-to-end headers a Connection header may name but never removes: the message means nothing without them. */
const END_TO_END = new Set(['host', 'content-length']);

/** Removes hop-by-hop headers and those the Connection header names; `keep` spares some (e.g. upgrade for WebSockets). */
export function stripHopByHop(headers: Record<string, string | string[] | undefined>, keep: string[] = []): void {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h && !END_TO_END.has(h));
  for (const name of [...HOP_BY_HOP, ...named]) {
    if (!keep.includes(name)) delete headers[name];
  }
}
