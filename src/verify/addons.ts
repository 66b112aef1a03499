// Pure: the services a test run asks for in app.json environments.test.addons (postgres, redis, mysql): the
// backing service kinds of backing/kinds.ts (one image and one start command per kind), run throwaway with
// speed over durability on a private network that belongs to one run alone.
import { PaasError } from '../errors.js';
import { kindOf, type ServiceKind } from '../backing/kinds.js';

export type AddonKind = ServiceKind;

/** Pure: the addons app.json asks for ("heroku-redis", "heroku-postgresql:essential-0", { "plan": "redis" }, ...). */
export function requestedAddons(appJson: unknown): AddonKind[] {
  const list = (appJson as { environments?: { test?: { addons?: unknown } } } | undefined)?.environments?.test?.addons;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new PaasError('PAAS_ERR_INVALID_APP_JSON', 'app.json environments.test.addons must be a list');
  const kinds = new Map<string, AddonKind>();
  for (const entry of list) {
    const plan = typeof entry === 'string' ? entry : typeof entry?.plan === 'string' ? entry.plan : '';
    const kind = kindOf(String(plan));
    if (!kind)
      throw new PaasError(
        'PAAS_ERR_INVALID_APP_JSON',
        `app.json test addon ${JSON.stringify(String(plan).slice(0, 60))} is not supported (postgres, redis and mysql are)`,
      );
    kinds.set(kind.name, kind);
  }
  return [...kinds.values()];
}
