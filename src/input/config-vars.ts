// Pure: config var names, values and changes, checked before anything is stored.
import { PaasError } from '../errors.js';

export const MAX_VALUE_BYTES = 32 * 1024;
/** All names and values together, as Heroku caps them: every release passes them to Docker in one request. */
export const MAX_CONFIG_BYTES = 32 * 1024;
/** Names a JavaScript object cannot hold as its own: refused rather than silently dropped. */
const RESERVED_KEYS = new Set(['__proto__']);
const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;

export function checkConfigKey(key: string): string {
  if (!KEY.test(key)) {
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `invalid config var name ${JSON.stringify(key.slice(0, 60))}: use letters, digits and underscores, not starting with a digit`,
    );
  }
  if (RESERVED_KEYS.has(key)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${key} cannot be a config var name: choose another`);
  return key;
}

export function checkConfigValue(key: string, value: string): string {
  if (Buffer.byteLength(value) > MAX_VALUE_BYTES)
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `config var ${key} is over 32 KB; store large values elsewhere`);
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
  // PORT is honoured end to end (the app's processes get it and the router targets it), so it must be a port.
  if ('PORT' in set && !(/^\d{1,5}$/.test(set.PORT!) && Number(set.PORT) >= 1 && Number(set.PORT) <= 65535)) {
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `PORT must be a port number from 1 to 65535: the port the web process listens on, which the router then targets (or use ports:set APP http:80:PORT)`,
    );
  }
  for (const key of unset) delete next[checkConfigKey(key)];
  const total = Object.entries(next).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v) + 2, 0);
  if (total > MAX_CONFIG_BYTES) {
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `config would be ${Math.ceil(total / 1024)} KB, over the 32 KB all vars may take together; unset some or store large values elsewhere`,
    );
  }
  return next;
}
