// App names: lowercase DNS labels, checked here for every entry point (SSH, API, CLI, hook); the router reads Host headers with the same function.
import { PaasError } from '../errors.js';
import { APP_NAME } from './patterns.js';

/** True when `name` is a valid app name: a lowercase DNS label of 1 to 63 characters. */
export function isValidAppName(name: string): boolean {
  return APP_NAME.test(name);
}

/** Returns `name` when it is a valid app name; throws PAAS_ERR_INVALID_APP_NAME otherwise. */
export function checkAppName(name: string): string {
  if (!isValidAppName(name)) {
    const shown = JSON.stringify(name.length > 40 ? name.slice(0, 40) + '...' : name);
    throw new PaasError(
      'PAAS_ERR_INVALID_APP_NAME',
      `invalid app name ${shown}: use lowercase letters, digits and dashes (a DNS label, at most 63 characters)`,
    );
  }
  return name;
}
