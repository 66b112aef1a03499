// Pure: the access a key or token is given (`--role admin`, or `--app APP ...` for a collaborator), checked.
import { checkAppName } from '../input/app-name.js';
import { PaasError } from '../errors.js';
import type { KeyRole } from '../store/keys.js';

export interface Access {
  role: KeyRole;
  apps: string[];
}

/** Reads `{ role, apps }` from an API body: admin with no apps, or a collaborator on one or more apps. */
export function checkAccess(body: unknown): Access {
  const raw = (body ?? {}) as { role?: unknown; apps?: unknown };
  const apps = raw.apps ?? [];
  if (!Array.isArray(apps) || apps.some((a) => typeof a !== 'string')) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'apps must be a list of app names');
  const role = raw.role ?? (apps.length > 0 ? 'collaborator' : 'admin');
  if (role === 'admin') {
    if (apps.length > 0) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'an admin key has every app: give --role admin or --app APP, not both');
    return { role, apps: [] };
  }
  if (role !== 'collaborator')
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `unknown role ${JSON.stringify(String(role).slice(0, 40))}: use admin, or --app APP for a collaborator`);
  if (apps.length === 0) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'a collaborator needs at least one app: --app APP');
  return { role, apps: [...new Set((apps as string[]).map(checkAppName))] };
}
