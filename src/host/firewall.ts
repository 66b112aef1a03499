// The host's own ports, closed to apps: packets from app networks (PAAS_NETWORK_POOL) to the host are dropped
// unless they answer the host's own connections (health checks) or go to the router's ports, so that apps reach
// neither the SSH gateway, the TCP API, nor a Redis or Postgres on the host. Rules are added, never flushed, so
// that several daemons on one host (the tests) keep each other's. Needs iptables (Docker's own dependency).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { daemonLog } from '../log.js';

const run = promisify(execFile);
export const CHAIN = 'PAAS-APPS';

/** A rule: the `iptables` arguments that check it (-C) and those that add it (-I or -A). */
export interface Rule {
  check: string[];
  add: string[];
}

/** Pure: the rules that close the host to `pool` but for `openPorts` (TCP), in the order they must be ensured. */
export function firewallRules(pool: string, openPorts: number[]): Rule[] {
  const rule = (table: string, spec: string[], position: 'insert' | 'append'): Rule => ({
    check: ['-w', '-C', table, ...spec],
    add: position === 'insert' ? ['-w', '-I', table, '1', ...spec] : ['-w', '-A', table, ...spec],
  });
  return [
    rule(CHAIN, ['-j', 'DROP'], 'append'),
    ...openPorts.map((port) => rule(CHAIN, ['-p', 'tcp', '--dport', String(port), '-j', 'RETURN'], 'insert')),
    rule(CHAIN, ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'RETURN'], 'insert'),
    rule('INPUT', ['-s', pool, '-j', CHAIN], 'insert'),
  ];
}

/** Ensures the rules; resolves false (and logs why) where iptables cannot be used. */
export async function closeHostToApps(pool: string, openPorts: number[]): Promise<boolean> {
  try {
    await run('iptables', ['-w', '-N', CHAIN]).catch((err: { stderr?: string }) => {
      if (!/exists/i.test(err.stderr ?? '')) throw err;
    });
    for (const rule of firewallRules(pool, openPorts)) {
      const present = await run('iptables', rule.check).then(
        () => true,
        () => false,
      );
      if (!present) await run('iptables', rule.add);
    }
    return true;
  } catch (err) {
    daemonLog('firewall.unavailable', { error: (err as { stderr?: string }).stderr?.trim() || err, hint: "apps can reach the host's ports" });
    return false;
  }
}
