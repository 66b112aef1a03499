// Pure: config var names, values and changes, checked before anything is stored.
import { PaasError } from '../errors.js';

export const MAX_VALUE_BYTES = 32 * 1024;
const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;

export function checkConfigKey(key: string): string {
  if (!KEY.test(key)) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `invalid config var name ${JSON.stringify(key.slice(0, 60))}: use letters, digits and underscores, not starting with a digit`);
  }
  return key;
}

export function checkConfigValue(key: string, value: string): string {
  if (Buffer.byteLength(value) > MAX_VALUE_BYTES) throw new PaasError('PAAS_ERR_INVALID_INPUT', `config var ${key} is over 32 KB; store large values elsewhere`);
  if (value.includes('\0')) throw new PaasError('PAAS_ERR_INVALID_INPUT', `config var ${key} contains a NUL byte`);
  return value;
}

/** Parses KEY=VALUE arguments (split at the first "="; the value is kept exactly, spaces, quotes and newlines too). */
export function parseAssignments(args: string[]): Record<string, string> {
  if (args.length === 0) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'give at least one KEY=VALUE');
  const vars: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new PaasError('PAAS_ERR_INVALID_INPUT', `expected KEY=VALUE, got ${JSON.stringify(arg.slice(0, 60))}`);
    const key = checkConfigKey(arg.slice(0, eq));
    vars[key] = checkConfigValue(key, arg.slice(eq + 1));
  }
  return vars;
}

/** The config after setting `set` and removing `unset`. */
export function applyConfigChange(config: Record<string, string>, set: Record<string, string>, unset: string[]): Record<string, string> {
  const next = { ...config };
  for (const [key, value] of Object.entries(set)) next[checkConfigKey(key)] = checkConfigValue(key, value);
  for (const key of unset) delete next[checkConfigKey(key)];
  return next;
}
