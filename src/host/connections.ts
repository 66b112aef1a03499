// The host's TCP connections to a replica that died where nothing answers for it (its node is gone: no reset ever
// comes back) are aborted at once through the kernel's socket destroy (`ss -K`, iproute2), so that the process
// holding them (HAProxy) sees an error now rather than at a timeout, and retries on another replica what it may.
// Needs root and a kernel with INET_DIAG_DESTROY (Debian's has it); where either lacks, the timeouts still apply.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Pure: the `ss` arguments that abort every TCP connection to `address`:`port`; undefined for anything else. */
export function abortArgs(address: string, port: number): string[] | undefined {
  if (!net.isIP(address) || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return ['-K', '-t', 'dst', address, 'dport', '=', String(port)];
}

/** Pure: how many connections `ss -K` reports it aborted (a line per socket under its header line). */
export function countAborted(output: string): number {
  return output
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '').length;
}

/** Aborts the host's connections to `address`:`port`; resolves with how many, or an error's reason. */
export async function abortConnections(address: string, port: number): Promise<{ aborted: number } | { error: string }> {
  const args = abortArgs(address, port);
  if (!args) return { error: `not an address: ${address}:${port}` };
  try {
    const { stdout } = await run('ss', args);
    return { aborted: countAborted(stdout) };
  } catch (err) {
    return { error: (err as { stderr?: string }).stderr?.trim() || String(err) };
  }
}
