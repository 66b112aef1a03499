// Pure: how the dashboard writes times, sizes and statuses.
import { formatMemory } from '../../src/release/replica-metrics.js';

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

/** Memory as `paas ps` writes it (one implementation, shared with the CLI). */
export function size(bytes: number | undefined): string {
  return bytes === undefined ? '—' : formatMemory(bytes);
}

/** The CSS class of a status word: good, bad, busy or idle. */
export function tone(status: string): string {
  if (/^(running|succeeded|passed|active|valid)$/.test(status)) return 'good';
  if (/^(failed|errored|degraded|exited|expired|timed out|dead|interrupted)$/.test(status)) return 'bad';
  if (/^(queued|building|deploying|restarting|created|expiring)$/.test(status)) return 'busy';
  return 'idle';
}
