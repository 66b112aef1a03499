/** Where app networks come from: their /24s' pool, and their driver (overlay under Swarm, reaching every node). */
export interface AppNetworks {
  pool: string;
  driver: 'bridge' | 'overlay';
}

// Pure: choosing a free /24 for an app network out of a pool such as 10.231.0.0/16.
import { PaasError } from '../errors.js';

function toInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function toIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Pure: an IPv4 CIDR as its first address and size; throws PAAS_ERR_INVALID_INPUT for anything else. */
export function parseCidr(cidr: string): { start: number; size: number } {
  const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(cidr);
  const bits = Number(match?.[2]);
  if (!match || bits > 32) throw new PaasError('PAAS_ERR_INVALID_INPUT', `expected an IPv4 range such as 10.231.0.0/16, got ${JSON.stringify(cidr)}`);
  const size = 2 ** (32 - bits);
  return { start: toInt(match[1]!) - (toInt(match[1]!) % size), size };
}

/**
 * Pure: a /24 of `pool` that overlaps none of `used` (IPv4 CIDRs; others are ignored), or undefined: the first
 * free one, or with `skip`, the one that many free ones further on (wrapping round to the first).
 */
export function freeSubnet(pool: string, used: string[], skip = 0): string | undefined {
  const { start, size } = parseCidr(pool);
  const taken = used.filter((c) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(c)).map(parseCidr);
  const free: number[] = [];
  for (let base = start; base + 256 <= start + size; base += 256) {
    if (!taken.some((t) => base < t.start + t.size && t.start < base + 256)) free.push(base);
  }
  return free.length ? `${toIp(free[skip % free.length]!)}/24` : undefined;
}
