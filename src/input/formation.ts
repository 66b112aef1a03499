// Pure: process formations (replicas per process type) as users give them.
import { PaasError } from '../errors.js';
import { PROCESS_TYPE, unanchored } from './patterns.js';

/** Pure: parses TYPE=N arguments (N from 0 to 100). */
export function parseFormation(args: string[]): Record<string, number> {
  if (args.length === 0) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'give at least one TYPE=N, e.g. web=3');
  const formation: Record<string, number> = {};
  for (const arg of args) {
    const match = new RegExp(`^(${unanchored(PROCESS_TYPE)})=(\\d{1,3})$`).exec(arg);
    if (!match || Number(match[2]) > 100)
      throw new PaasError('PAAS_ERR_INVALID_INPUT', `expected TYPE=N with N from 0 to 100, got ${JSON.stringify(arg.slice(0, 40))}`);
    formation[match[1]!] = Number(match[2]);
  }
  return formation;
}

/** Pure: the new formation, refusing types the release does not have. */
export function applyFormation(current: Record<string, number>, commands: Record<string, unknown>, change: Record<string, number>): Record<string, number> {
  for (const type of Object.keys(change)) {
    if (!(type in commands)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `no process type "${type}" (this release has: ${Object.keys(commands).join(', ')})`);
  }
  return { ...current, ...change };
}
