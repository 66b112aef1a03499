// Failed sign-ins are slowed per source address (rate-limiter-flexible, in memory): past a few failures in a
// minute, that address is refused at once for a minute, before any token is even looked at, and the daemon's log
// gets one line per burst instead of one per try.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { PaasError } from '../errors.js';

export const FAILURES_ALLOWED = 10;
const WINDOW_SECONDS = 60;

export class SignInLimiter {
  private readonly failures = new RateLimiterMemory({ points: FAILURES_ALLOWED, duration: WINDOW_SECONDS, blockDuration: WINDOW_SECONDS });

  /** Throws PAAS_ERR_RATE_LIMITED while `source` is held back for failing too often. */
  async check(source: string): Promise<void> {
    const state = await this.failures.get(source);
    if (state && state.consumedPoints > FAILURES_ALLOWED)
      throw new PaasError(
        'PAAS_ERR_RATE_LIMITED',
        `too many failed sign-ins from ${source}: try again in ${Math.max(1, Math.ceil(state.msBeforeNext / 1000))} s with a valid token`,
      );
  }

  /** Counts a failure of `source`; resolves with whether to log it (the first of a burst, and the one that blocks). */
  async failed(source: string): Promise<boolean> {
    try {
      return (await this.failures.consume(source)).consumedPoints === 1;
    } catch (err) {
      if (err instanceof RateLimiterRes) return err.consumedPoints === FAILURES_ALLOWED + 1;
      throw err;
    }
  }
}
