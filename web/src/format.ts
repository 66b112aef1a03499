// Pure: how the dashboard writes times, sizes and statuses.

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

export function size(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The CSS class of a status word: good, bad, busy or idle. */
export function tone(status: string): string {
  if (/^(running|succeeded|passed|active|valid)$/.test(status)) return 'good';
  if (/^(failed|errored|degraded|exited|expired|timed out|dead|interrupted)$/.test(status)) return 'bad';
  if (/^(queued|building|deploying|restarting|created|expiring)$/.test(status)) return 'busy';
  return 'idle';
}
