// The host's own ports, closed to apps: packets from app networks (PAAS_NETWORK_POOL) to the host are dropped
// unless they answer the host's own connections (health checks) or go to the router's ports, so that apps reach
// neither the SSH gateway, the TCP API, nor a Redis or Postgres on the host. Rules are added, never flushed, so
// that several daemons on one host (the tests) keep each other's. The ports a daemon opened are recorded in its
// data dir, and those it no longer serves (the router moved to another port) are closed at its next start; they
// stay open while the daemon is down, as HAProxy, which serves them, outlives it. Needs iptables (Docker's own
// dependency). Under Swarm, a task also has an interface on the engine's docker_gwbridge (its way out), through which
// the host is as near as through the overlay: what comes in on that bridge is closed the same way.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { daemonLog } from '../log.js';

const run = promisify(execFile);
export const CHAIN = 'PAAS-APPS';
/** The bridge a Swarm engine gives every task for its traffic out of the overlay (Docker's name for it). */
export const SWARM_EGRESS_BRIDGE = 'docker_gwbridge';

/** A rule: the `iptables` arguments that check it (-C) and those that add it (-I or -A). */
export interface Rule {
  check: string[];
  add: string[];
}

/**
 * Pure: the rules that close the host to `pool`, and to whatever comes in on `interfaces`, but for `openPorts`
 * (TCP), in the order they must be ensured.
 */
export function firewallRules(pool: string, openPorts: number[], interfaces: string[] = []): Rule[] {
  const rule = (table: string, spec: string[], position: 'insert' | 'append'): Rule => ({
    check: ['-w', '-C', table, ...spec],
    add: position === 'insert' ? ['-w', '-I', table, '1', ...spec] : ['-w', '-A', table, ...spec],
  });
  return [
    rule(CHAIN, ['-j', 'DROP'], 'append'),
    ...openPorts.map((port) => rule(CHAIN, ['-p', 'tcp', '--dport', String(port), '-j', 'RETURN'], 'insert')),
    rule(CHAIN, ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'RETURN'], 'insert'),
    rule('INPUT', ['-s', pool, '-j', CHAIN], 'insert'),
    ...interfaces.map((name) => rule('INPUT', ['-i', name, '-j', CHAIN], 'insert')),
  ];
}

/** Pure: the `iptables` arguments that delete the rule opening `port` (what `firewallRules` added for it). */
export function closePortRule(port: number): string[] {
  return ['-w', '-D', CHAIN, '-p', 'tcp', '--dport', String(port), '-j', 'RETURN'];
}

/** Pure: of the ports opened before, those to close now (no longer served). */
export function stalePorts(before: number[], now: number[]): number[] {
  return before.filter((port) => !now.includes(port));
}

/** The file in the data dir that records the ports this daemon opened. */
export function openPortsFile(dataDir: string): string {
  return path.join(dataDir, 'firewall-open-ports.json');
}

function recordedPorts(file: string): number[] {
  try {
    const ports: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return Array.isArray(ports) ? ports.filter((p): p is number => Number.isInteger(p)) : [];
  } catch {
    return [];
  }
}

/** Closes `ports` to apps again (rules another daemon still needs are its own to restore at its start). */
export async function closePorts(ports: number[]): Promise<void> {
  for (const port of ports) {
    // Deleted while present: a port opened twice (a test restarting on the same ports) has one rule, but be sure.
    while (
      await run('iptables', closePortRule(port)).then(
        () => true,
        () => false,
      )
    );
  }
}

/** Ensures the rules; resolves false (and logs why) where iptables cannot be used. */
export async function closeHostToApps(pool: string, openPorts: number[], dataDir: string, interfaces: string[] = []): Promise<boolean> {
  try {
    const file = openPortsFile(dataDir);
    await closePorts(stalePorts(recordedPorts(file), openPorts));
    fs.writeFileSync(file, JSON.stringify(openPorts));
    await run('iptables', ['-w', '-N', CHAIN]).catch((err: { stderr?: string }) => {
      if (!/exists/i.test(err.stderr ?? '')) throw err;
    });
    for (const rule of firewallRules(pool, openPorts, interfaces)) {
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

/** The chain of the other Swarm nodes' addresses, which apps on this host may not reach. */
export const NODES_CHAIN = 'PAAS-TO-NODES';

/** Pure: the `iptables` argument lists that make the nodes chain drop `addresses` (after a flush), in order. */
export function nodesChainRules(addresses: string[]): string[][] {
  return [['-w', '-F', NODES_CHAIN], ...addresses.map((address) => ['-w', '-A', NODES_CHAIN, '-d', address, '-j', 'DROP'])];
}

/**
 * Under Swarm: what tasks here send out through docker_gwbridge to another node's address is dropped (Docker's
 * DOCKER-USER chain comes before its own forwarding rules). The list is replaced whole as nodes come and go.
 */
export async function closeNodesToApps(addresses: string[]): Promise<boolean> {
  try {
    await run('iptables', ['-w', '-N', NODES_CHAIN]).catch((err: { stderr?: string }) => {
      if (!/exists/i.test(err.stderr ?? '')) throw err;
    });
    for (const args of nodesChainRules(addresses)) await run('iptables', args);
    const jump = ['DOCKER-USER', '-i', SWARM_EGRESS_BRIDGE, '-j', NODES_CHAIN];
    const present = await run('iptables', ['-w', '-C', ...jump]).then(
      () => true,
      () => false,
    );
    if (!present) await run('iptables', ['-w', '-I', jump[0]!, '1', ...jump.slice(1)]);
    return true;
  } catch (err) {
    daemonLog('firewall.unavailable', { error: (err as { stderr?: string }).stderr?.trim() || err, hint: "apps can reach the other nodes' ports" });
    return false;
  }
}

/** Takes the nodes chain and its jump out (a Swarm run's leftover on a host that is in no swarm now); absent is fine. */
export async function removeNodesChain(): Promise<boolean> {
  const jump = ['DOCKER-USER', '-i', SWARM_EGRESS_BRIDGE, '-j', NODES_CHAIN];
  let removed = false;
  while (
    await run('iptables', ['-w', '-D', ...jump]).then(
      () => true,
      () => false,
    )
  )
    removed = true;
  if (
    await run('iptables', ['-w', '-F', NODES_CHAIN]).then(
      () => true,
      () => false,
    )
  ) {
    await run('iptables', ['-w', '-X', NODES_CHAIN]).catch(() => undefined);
    removed = true;
  }
  return removed;
}
