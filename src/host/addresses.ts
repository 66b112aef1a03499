// What the host's own network holds, read when asked (never cached): every address of every interface, up or
// down, and every route's destination, from ip(8) as JSON (argv only). Node's own list skips interfaces that are
// down, such as docker0 while no container is on it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface IpAddr {
  addr_info?: { local?: string; prefixlen?: number }[];
}
interface IpRoute {
  dst?: string;
  type?: string;
}

/** Pure: the addresses (with their prefix) in `ip -j addr` output. */
export function parseAddresses(json: string): { address: string; prefix: number }[] {
  return (JSON.parse(json) as IpAddr[]).flatMap((link) =>
    (link.addr_info ?? []).filter((a) => a.local).map((a) => ({ address: a.local!, prefix: a.prefixlen ?? 32 })),
  );
}

/** Pure: the IPv4 destinations (as CIDRs) of `ip -j route show table all` output, the default route left out. */
export function parseRouteDestinations(json: string): string[] {
  return (JSON.parse(json) as IpRoute[])
    .filter((r) => r.dst && r.dst !== 'default' && r.type !== 'broadcast' && /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(r.dst))
    .map((r) => (r.dst!.includes('/') ? r.dst! : `${r.dst}/32`));
}

/** Every address the host has on any interface, IPv4 and IPv6. */
export async function hostAddresses(): Promise<string[]> {
  const { stdout } = await run('ip', ['-j', 'addr', 'show']);
  return parseAddresses(stdout).map((a) => a.address);
}

/** The IPv4 ranges the host already reaches in a way of its own: its routes and its interfaces' networks. */
export async function hostIpv4Ranges(): Promise<string[]> {
  const [{ stdout: routes }, { stdout: addrs }] = await Promise.all([
    run('ip', ['-j', 'route', 'show', 'table', 'all']),
    run('ip', ['-j', '-4', 'addr', 'show']),
  ]);
  return [...parseRouteDestinations(routes), ...parseAddresses(addrs).map((a) => `${a.address}/${a.prefix}`)];
}
