// Pure: process formations (replicas per process type) as users give them.
import { PaasError } from '../errors.js';
import { PROCESS_TYPE, unanchored } from './patterns.js';

/** How a process type is to be scaled: to a count (web=3), or by a difference (web+1, web-1). */
export type FormationChange = Record<string, { to: number } | { by: number }>;

/** Pure: parses TYPE=N, TYPE+N and TYPE-N arguments (N from 0 to 100). */
export function parseFormation(args: string[]): FormationChange {
  if (args.length === 0) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'give at least one TYPE=N, e.g. web=3 (or web+1, web-1)');
  const change: FormationChange = {};
  for (const arg of args) {
    const match = new RegExp(`^(${unanchored(PROCESS_TYPE)})([=+-])(\\d{1,3})$`).exec(arg);
    if (!match || Number(match[3]) > 100)
      throw new PaasError('PAAS_ERR_INVALID_INPUT', `expected TYPE=N, TYPE+N or TYPE-N with N from 0 to 100, got ${JSON.stringify(arg.slice(0, 40))}`);
    const n = Number(match[3]);
    change[match[1]!] = match[2] === '=' ? { to: n } : { by: match[2] === '+' ? n : -n };
  }
  return change;
}

/** Pure: the formation after `change` (a difference is counted from the current count, and kept within 0 to 100). */
export function resolveFormation(current: Record<string, number>, change: FormationChange): Record<string, number> {
  const next = { ...current };
  for (const [type, c] of Object.entries(change)) next[type] = 'to' in c ? c.to : Math.min(100, Math.max(0, (current[type] ?? 0) + c.by));
  return next;
}

/** Pure: the new formation, refusing types the release does not have. */
export function applyFormation(current: Record<string, number>, commands: Record<string, unknown>, change: FormationChange): Record<string, number> {
  for (const type of Object.keys(change)) {
    if (!(type in commands)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `no process type "${type}" (this release has: ${Object.keys(commands).join(', ')})`);
  }
  return resolveFormation(current, change);
}

/** Pure: a formation as users write it (web=2 worker=1). */
export function formationText(formation: Record<string, number>): string {
  return Object.entries(formation)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
