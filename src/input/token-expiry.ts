// Pure: `tokens:create NAME --expires-in 30d`: how long a token is accepted, as users write it.
import { PaasError } from '../errors.js';

const UNITS: Record<string, number> = { m: 60, h: 3600, d: 86400 };

/** Seconds from `30m`, `12h`, `90d`: at least a minute, at most two years. */
export function parseExpiresIn(text: string): number {
  const match = /^(\d{1,6})([mhd])$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * UNITS[match[2]!]! : NaN;
  if (!(seconds >= 60 && seconds <= 730 * 86400))
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `--expires-in ${JSON.stringify(text.slice(0, 20))}: use minutes, hours or days from 1m to 730d, as 12h or 30d`,
    );
  return seconds;
}
