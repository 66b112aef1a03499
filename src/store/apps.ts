// The apps table.
import type { Db } from './db.js';
import { now } from './db.js';
import { PaasError } from '../errors.js';
import type { Resources } from '../input/resources.js';
import { suggestion } from '../suggest.js';
import type { BuildArg } from '../input/docker-options.js';
import type { PortMapping } from '../input/ports.js';

export interface AppRow {
  name: string;
  deployBranch: string | null;
  /** A bundled buildpack's name or a buildpack folder on the host, set by an admin; null: detect. */
  buildpack: string | null;
  /** The Dockerfile's path in the repository when it is not `Dockerfile` at the root. */
  dockerfilePath: string | null;
  /** Dockerfile builds' --build-arg options (docker-options, build phase), in the order they were added. */
  buildArgs: BuildArg[];
  /** Config vars: what the next release gets (each release keeps its own snapshot). */
  config: Record<string, string>;
  /** Replicas per process type asked for before the first release (`ps:scale`); later ones keep their own. */
  formation: Record<string, number>;
  /** Memory and CPU limits per process type, applied to containers started from now on. */
  resources: Resources;
  /** Certificates for the app's hostnames are obtained and renewed through ACME. */
  certsAuto: boolean;
  /** Plain HTTP requests for hosts with a certificate are redirected to HTTPS. */
  httpsRedirect: boolean;
  /** Stopped with ps:stop (until ps:start, a restart or a new release): a restarted daemon keeps it stopped. */
  stopped: boolean;
  /** In maintenance (maintenance:on until maintenance:off): its processes run, the router answers a 503 page. */
  maintenance: boolean;
  /** Swarm constraints on the nodes its replicas may run on (ps:placement); none: any node. */
  placement: string[];
  /** Port mappings set with ports:set; null: none (the port comes from PORT, EXPOSE or 5000). */
  ports: PortMapping[] | null;
  /** h2c: the router speaks HTTP/2 without TLS to web (apps:upstream); null: HTTP/1.1. */
  upstream: 'h2c' | null;
  createdAt: string;
}

interface AppRecord {
  name: string;
  deploy_branch: string | null;
  buildpack?: string | null;
  dockerfile_path?: string | null;
  build_args_json?: string;
  config_json?: string;
  resources_json?: string;
  formation_json?: string;
  certs_auto?: boolean | number;
  https_redirect?: boolean | number;
  stopped?: boolean | number;
  maintenance?: boolean | number;
  placement_json?: string;
  ports_json?: string | null;
  upstream?: string | null;
  created_at: string | Date;
}

function fromRow(row: AppRecord): AppRow {
  return {
    name: row.name,
    deployBranch: row.deploy_branch,
    buildpack: row.buildpack ?? null,
    dockerfilePath: row.dockerfile_path ?? null,
    buildArgs: JSON.parse(row.build_args_json ?? '[]') as BuildArg[],
    config: JSON.parse(row.config_json ?? '{}') as Record<string, string>,
    resources: JSON.parse(row.resources_json ?? '{}') as Resources,
    formation: JSON.parse(row.formation_json ?? '{}') as Record<string, number>,
    certsAuto: Boolean(row.certs_auto),
    httpsRedirect: Boolean(row.https_redirect),
    stopped: Boolean(row.stopped),
    maintenance: Boolean(row.maintenance),
    placement: JSON.parse(row.placement_json ?? '[]') as string[],
    ports: row.ports_json ? (JSON.parse(row.ports_json) as PortMapping[]) : null,
    upstream: row.upstream === 'h2c' ? 'h2c' : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function setDeployBranch(db: Db, name: string, branch: string | null): Promise<void> {
  await db('apps').where({ name }).update({ deploy_branch: branch });
}

export async function setAppConfig(db: Db, name: string, config: Record<string, string>): Promise<void> {
  await db('apps')
    .where({ name })
    .update({ config_json: JSON.stringify(config) });
}

export async function setPlacement(db: Db, name: string, placement: string[]): Promise<void> {
  await db('apps')
    .where({ name })
    .update({ placement_json: JSON.stringify(placement) });
}

export async function setAppUpstream(db: Db, name: string, upstream: 'h2c' | null): Promise<void> {
  await db('apps').where({ name }).update({ upstream });
}

export async function setAppPorts(db: Db, name: string, ports: PortMapping[] | null): Promise<void> {
  await db('apps')
    .where({ name })
    .update({ ports_json: ports ? JSON.stringify(ports) : null });
}

export async function setDockerfilePath(db: Db, name: string, dockerfilePath: string | null): Promise<void> {
  await db('apps').where({ name }).update({ dockerfile_path: dockerfilePath });
}

export async function setBuildArgs(db: Db, name: string, buildArgs: BuildArg[]): Promise<void> {
  await db('apps')
    .where({ name })
    .update({ build_args_json: JSON.stringify(buildArgs) });
}

export async function setAppMaintenance(db: Db, name: string, maintenance: boolean): Promise<void> {
  await db('apps').where({ name }).update({ maintenance });
}

export async function setAppStopped(db: Db, name: string, stopped: boolean): Promise<void> {
  await db('apps').where({ name }).update({ stopped });
}

export async function setAppFormation(db: Db, name: string, formation: Record<string, number>): Promise<void> {
  await db('apps')
    .where({ name })
    .update({ formation_json: JSON.stringify(formation) });
}

export async function setAppResources(db: Db, name: string, resources: Resources): Promise<void> {
  await db('apps')
    .where({ name })
    .update({ resources_json: JSON.stringify(resources) });
}

export async function setAppTls(db: Db, name: string, change: { certsAuto?: boolean; httpsRedirect?: boolean }): Promise<void> {
  await db('apps')
    .where({ name })
    .update({
      ...(change.certsAuto === undefined ? {} : { certs_auto: change.certsAuto }),
      ...(change.httpsRedirect === undefined ? {} : { https_redirect: change.httpsRedirect }),
    });
}

export async function setAppBuildpack(db: Db, name: string, buildpack: string | null): Promise<void> {
  await db('apps').where({ name }).update({ buildpack });
}

export async function findApp(db: Db, name: string): Promise<AppRow | undefined> {
  const row = await db('apps').where({ name }).first();
  return row ? fromRow(row) : undefined;
}

export async function getApp(db: Db, name: string): Promise<AppRow> {
  const app = await findApp(db, name);
  if (!app) {
    const names = (await db('apps').select('name')).map((r: { name: string }) => r.name);
    const close = suggestion(name, names);
    throw new PaasError(
      'PAAS_ERR_APP_NOT_FOUND',
      `app "${name}" does not exist` + (close ? `, did you mean "${close}"?` : ` (create it with: paas apps:create ${name})`),
    );
  }
  return app;
}

export async function listApps(db: Db): Promise<AppRow[]> {
  return (await db('apps').orderBy('name')).map(fromRow);
}

/** Inserts an app; the name must already be checked. */
export async function insertApp(db: Db, name: string, options: { certsAuto?: boolean; alsoRecord?: (trx: Db) => Promise<void> } = {}): Promise<AppRow> {
  if (await findApp(db, name)) throw new PaasError('PAAS_ERR_APP_EXISTS', `app "${name}" already exists`);
  try {
    // What else makes the app what it is (a review app's row and config) is recorded with it, or none of it.
    await db.transaction(async (trx) => {
      await trx('apps').insert({ name, deploy_branch: null, certs_auto: options.certsAuto ?? false, created_at: now() });
      await options.alsoRecord?.(trx);
    });
  } catch (err) {
    // Two creations at once (two first pushes): the second is told the app exists, as if it came later.
    if (/UNIQUE|duplicate key/i.test(String((err as Error).message))) throw new PaasError('PAAS_ERR_APP_EXISTS', `app "${name}" already exists`);
    throw err;
  }
  return getApp(db, name);
}

export async function deleteApp(db: Db, name: string): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('ci_runs').where({ app: name }).delete();
    await trx('pipeline_apps').where({ app: name }).delete();
    await trx('review_apps').where({ app: name }).delete();
    await trx('cron_jobs').where({ app: name }).delete();
    await trx('domains').where({ app: name }).delete();
    await trx('mounts').where({ app: name }).delete();
    await trx('certificates').where({ app: name }).delete();
    await trx('releases').where({ app: name }).delete();
    await trx('builds').where({ app: name }).delete();
    await trx('apps').where({ name }).delete();
  });
}
