// Services a test run can ask for in app.json environments.test.addons (redis, postgres): images built locally
// from Debian's packages, started on a private network that belongs to one run alone, removed afterwards.
import { PaasError } from '../errors.js';

export interface AddonKind {
  name: 'redis' | 'postgres';
  image: string;
  /** The Dockerfile of the addon image (built once, from the stack image). */
  dockerfile: string;
  /** A command run inside the addon container that exits 0 once it takes connections. */
  ready: string[];
  /** Environment variable and URL the test run gets. */
  env: [string, string];
}

export const ADDONS: Record<'redis' | 'postgres', AddonKind> = {
  redis: {
    name: 'redis',
    image: 'paas/addon-redis:bookworm',
    dockerfile: [
      'FROM paas/stack:bookworm',
      'RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/*',
      'CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", ""]',
    ].join('\n'),
    ready: ['redis-cli', 'ping'],
    env: ['REDIS_URL', 'redis://redis:6379'],
  },
  postgres: {
    name: 'postgres',
    image: 'paas/addon-postgres:bookworm',
    dockerfile: [
      'FROM paas/stack:bookworm',
      'RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql && rm -rf /var/lib/apt/lists/*',
      'RUN mkdir -p /run/postgresql /data && chown postgres /run/postgresql /data && su postgres -c "/usr/lib/postgresql/*/bin/initdb -D /data -A trust -U postgres" >/dev/null',
      `CMD ["su", "postgres", "-c", "exec /usr/lib/postgresql/15/bin/postgres -D /data -c listen_addresses='*' -c fsync=off"]`,
    ].join('\n'),
    ready: ['pg_isready', '-h', '127.0.0.1', '-U', 'postgres'],
    env: ['DATABASE_URL', 'postgres://postgres@postgres:5432/postgres'],
  },
};

/** Pure: the addons app.json asks for ("heroku-redis", "heroku-postgresql:essential-0", { "plan": "redis" }, ...). */
export function requestedAddons(appJson: unknown): AddonKind[] {
  const list = (appJson as { environments?: { test?: { addons?: unknown } } } | undefined)?.environments?.test?.addons;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new PaasError('PAAS_ERR_INVALID_APP_JSON', 'app.json environments.test.addons must be a list');
  const kinds = new Map<string, AddonKind>();
  for (const entry of list) {
    const plan = typeof entry === 'string' ? entry : typeof entry?.plan === 'string' ? entry.plan : '';
    const kind = /redis/i.test(plan) ? ADDONS.redis : /postgres/i.test(plan) ? ADDONS.postgres : undefined;
    if (!kind)
      throw new PaasError(
        'PAAS_ERR_INVALID_APP_JSON',
        `app.json test addon ${JSON.stringify(String(plan).slice(0, 60))} is not supported (redis and postgres are)`,
      );
    kinds.set(kind.name, kind);
  }
  return [...kinds.values()];
}
