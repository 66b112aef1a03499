// Pure: what `paas webhooks:add` takes (Heroku's app webhooks): an http(s) URL, the events it wants, a secret;
// how a delivery is signed; and which addresses a collaborator's webhook may never be sent to.
import { createHmac, randomBytes } from 'node:crypto';
import net from 'node:net';
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { PaasError } from '../errors.js';
import { hostAddresses } from '../host/addresses.js';

export const WEBHOOK_EVENTS = ['release', 'build', 'ci', 'promote'] as const;
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

/** The events asked for (release,build,ci,promote), every one when none is named. */
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

/**
 * Pure: whether `address` is anywhere but the public internet: loopback, private, link-local, CGNAT, multicast,
 * documentation, benchmarking, NAT64, 6to4, Teredo and every other special-purpose range (ipaddr.js's table: all
 * but "unicast"), IPv4-mapped forms included, or one of `own` (the host's addresses). Unparsable means refused.
 */
export function isPrivateAddress(address: string, own: readonly string[] = []): boolean {
  if (!ipaddr.isValid(address)) return true;
  const parsed = ipaddr.process(address);
  if (parsed.range() !== 'unicast') return true;
  return own.some((o) => ipaddr.isValid(o) && ipaddr.process(o).toNormalizedString() === parsed.toNormalizedString());
}

/**
 * Refuses a URL whose host is (or resolves to) an address off the public internet or one of the host's own
 * (read now, every interface): where only an admin's webhook may go.
 */
export async function checkPublicTarget(url: URL): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${host} does not resolve: give a webhook URL that does`);
  const own = await hostAddresses().catch((err: unknown) => {
    throw new PaasError('PAAS_ERR_INTERNAL', `could not read the host's addresses to check ${host} against them: ${String(err)}`);
  });
  if (addresses.some((a) => isPrivateAddress(a, own)))
    throw new PaasError(
      'PAAS_ERR_PERMISSION_DENIED',
      `${host} is not on the public internet (the host itself, the apps' networks, a reserved range): only an admin may send webhooks there`,
    );
}
