// Pure: who is asking (an admin, or a collaborator limited to some apps) and whether they may do a thing.
import { PaasError } from '../errors.js';

/** Admins may do everything; collaborators may push to and run app commands for their apps only. */
export type Caller = { kind: 'admin'; name: string } | { kind: 'collaborator'; name: string; apps: readonly string[] };

/** What a command touches: anything (admin), one app (the app's collaborators too), or nothing (anyone). */
export type Scope = 'admin' | 'app' | 'any';

export const LOCAL_ADMIN: Caller = { kind: 'admin', name: 'local' };

export function mayUseApp(caller: Caller, app: string): boolean {
  return caller.kind === 'admin' || caller.apps.includes(app);
}

/** Throws PAAS_ERR_PERMISSION_DENIED unless `caller` may act in `scope` (on `app` for the app scope). */
export function authorize(caller: Caller, scope: Scope, app?: string): void {
  if (scope === 'any' || caller.kind === 'admin') return;
  if (scope === 'admin') {
    throw new PaasError('PAAS_ERR_PERMISSION_DENIED', `permission denied: "${caller.name}" is a collaborator key; this command needs an admin`);
  }
  if (app === undefined || !mayUseApp(caller, app)) {
    throw new PaasError('PAAS_ERR_PERMISSION_DENIED', `permission denied: "${caller.name}" may not use app "${app ?? ''}"`);
  }
}

/** The caller a stored key or token stands for. */
export function callerFor(row: { name: string; role: 'admin' | 'collaborator'; apps: readonly string[] }): Caller {
  return row.role === 'admin' ? { kind: 'admin', name: row.name } : { kind: 'collaborator', name: row.name, apps: row.apps };
}
