// Pure: a custom hostname as `domains:add` takes it, checked and normalised.
import { PaasError } from '../errors.js';
import { DNS_LABEL } from '../input/patterns.js';

const LABEL = DNS_LABEL;

/** Lowercases and checks `host` (DNS name, two labels or more, not an IP address); throws PAAS_ERR_INVALID_INPUT. */
export function checkHostname(host: string): string {
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  if (name.length === 0 || name.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!)) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `invalid hostname ${JSON.stringify(host.slice(0, 80))}: use a DNS name such as www.example.com`);
  }
  return name;
}

/** Pure: normalises a Host header (lowercase, no port, no trailing dot). */
export function hostOf(hostHeader: string): string {
  return hostHeader.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
}
