// Pure: memory and CPU limits per process type (`resources:set APP web --memory 512m --cpus 0.5`).
import bytes from 'bytes';
import { PaasError } from '../errors.js';
import { PROCESS_TYPE } from './patterns.js';

export interface Limits {
  /** Bytes. */
  memory?: number;
  /** CPUs, fractions allowed. */
  cpus?: number;
  /** Processes and threads at once. */
  pids?: number;
}

export type Resources = Record<string, Limits>;

const MIN_MEMORY = 6 * 1024 * 1024;

/** Parses `512m`, `1g`, `1.5GB`, `268435456` (bytes); Docker's minimum is 6 MB. */
export function parseMemory(text: string): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : bytes.parse(/^\d+(\.\d+)?[kmgt]$/i.test(text) ? `${text}b` : text);
  if (value === null || !Number.isFinite(value) || value < MIN_MEMORY || value > 2 ** 50) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `invalid memory ${JSON.stringify(text.slice(0, 40))}: use a size of at least 6m, such as 512m or 1g`);
  }
  return Math.floor(value);
}

export function parseCpus(text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value >= 0.01 && value <= 1024)) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `invalid cpus ${JSON.stringify(text.slice(0, 40))}: use a number such as 0.5 or 2`);
  }
  return value;
}

/** Applies an API request `{ process, memory?, cpus? }` ("none" removes a limit) to `current`. */
export function checkResourcesRequest(current: Resources, body: unknown): Resources {
  const raw = (body ?? {}) as { process?: unknown; memory?: unknown; cpus?: unknown };
  const process = String(raw.process ?? '');
  if (!PROCESS_TYPE.test(process)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `invalid process type ${JSON.stringify(process.slice(0, 40))}`);
  const limits: Limits = { ...current[process] };
  for (const [name, parse] of [
    ['memory', parseMemory],
    ['cpus', parseCpus],
  ] as const) {
    const value = raw[name];
    if (value === undefined || value === null) continue;
    if (String(value) === 'none') delete limits[name];
    else limits[name] = parse(String(value));
  }
  const next = { ...current };
  if (Object.keys(limits).length) next[process] = limits;
  else delete next[process];
  return next;
}

/** Memory and CPUs as a user writes them ("" when unlimited). */
export function formatResources(limits: Limits): [string, string] {
  return [limits.memory ? (bytes.format(limits.memory, { unitSeparator: '' }) ?? '').toLowerCase() : '', limits.cpus ? String(limits.cpus) : ''];
}
