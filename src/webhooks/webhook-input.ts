// Pure: what `paas webhooks:add` takes (Heroku's app webhooks): an http(s) URL, the events it wants, a secret;
// how a delivery is signed; and which addresses a collaborator's webhook may never be sent to.
import { createHmac, randomBytes } from 'node:crypto';
import net from 'node:net';
import { lookup } from 'node:dns/promises';
import { PaasError } from '../errors.js';

export const WEBHOOK_EVENTS = ['release', 'build', 'ci'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export function checkWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `${JSON.stringify(text.slice(0, 80))} is not a URL: give http(s)://HOST/PATH`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || text.length > 2000)
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'a webhook URL is http:// or https://, with no user or password in it (the deliveries are signed)');
  return url;
}

/** The events asked for (release,build,ci), every one when none is named. */
export function checkWebhookEvents(text: string | undefined): WebhookEvent[] {
  if (text === undefined || text.trim() === '') return [...WEBHOOK_EVENTS];
  const events = [...new Set(text.split(',').map((e) => e.trim()))];
  const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length)
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `unknown webhook event ${JSON.stringify(unknown[0]!.slice(0, 30))}: use ${WEBHOOK_EVENTS.join(', ')}`);
  return events as WebhookEvent[];
}

export function newWebhookSecret(): string {
  return randomBytes(24).toString('hex');
}

/** The X-Paas-Signature-256 header of a delivery: HMAC-SHA256 of the exact body with the webhook's secret. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

// Two lists: a BlockList matches IPv4 addresses against IPv4-mapped IPv6 rules too.
const PRIVATE_V4 = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const)
  PRIVATE_V4.addSubnet(address, prefix, 'ipv4');
const PRIVATE_V6 = new net.BlockList();
for (const [address, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  PRIVATE_V6.addSubnet(address, prefix, 'ipv6');

/** Whether `address` is loopback, private, link-local or otherwise not on the internet (apps and the daemon live there). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1];
  if (mapped) return isPrivateAddress(mapped);
  if (net.isIPv4(address)) return PRIVATE_V4.check(address, 'ipv4');
  if (net.isIPv6(address)) return /^::ffff:/i.test(address) || PRIVATE_V6.check(address, 'ipv6');
  return true;
}

/** Refuses a URL whose host is (or resolves to) a private address: where a collaborator's webhook may not go. */
export async function checkPublicTarget(url: URL): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${host} does not resolve: give a webhook URL that does`);
  if (addresses.some(isPrivateAddress))
    throw new PaasError('PAAS_ERR_PERMISSION_DENIED', `${host} is a private address (the host, the apps' networks): only an admin may send webhooks there`);
}
