// Pure: release versions as users type them.
import { PaasError } from '../errors.js';

/** Parses "v3" or "3"; undefined for an absent argument. */
export function parseVersionArg(arg: string | undefined): number | undefined {
  if (arg === undefined || arg === '') return undefined;
  const match = /^v?(\d{1,9})$/.exec(arg);
  if (!match || Number(match[1]) < 1) throw new PaasError('PAAS_ERR_INVALID_INPUT', `not a release version: ${JSON.stringify(arg.slice(0, 40))} (use v3 or 3)`);
  return Number(match[1]);
}
