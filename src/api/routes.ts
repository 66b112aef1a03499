// The API's routes: what each door (CLI, remote CLI, SSH) can ask for, with the scope a caller needs.
import { Streamed, type Route, type RouteContext } from './dispatch.js';
import { SERVICE_ROUTES } from './service-routes.js';
import { DASHBOARD_ROUTES } from './dashboard-routes.js';
import { WEBHOOK_ROUTES } from './webhook-routes.js';
import { NODE_ROUTES } from './node-routes.js';
import { METRICS_ROUTES } from './metrics-routes.js';
import { MAINTENANCE_ROUTES } from './maintenance-routes.js';
import { DYNO_ROUTES } from './dyno-routes.js';
import { PIPELINE_ROUTES } from './pipeline-routes.js';
import { REVIEW_ROUTES } from './review-routes.js';
import { CRON_ROUTES } from './cron-routes.js';
import { swarmProcesses } from '../swarm/nodes.js';
import { PaasError } from '../errors.js';
import { VOLUME_NAME, unanchored } from '../input/patterns.js';
import { createApp, destroyApp } from '../apps.js';
import { addKey } from '../keys.js';
import { getApp, listApps, setAppBuildpack, setBuildArgs, setDeployBranch, setDockerfilePath, type AppRow } from '../store/apps.js';
import { checkPhase, formatBuildOption, parseBuildOption, withBuildArg, withoutBuildArg, type BuildArg } from '../input/docker-options.js';
import { checkDockerfilePath } from '../build/dockerfile-path.js';
import { deleteKey, listKeys } from '../store/keys.js';
import { findReleaseBuildLog, getBuildLog, listBuilds } from '../store/builds.js';
import { checkBuildpackSetting } from '../build/buildpack-setting.js';
import { activeRelease, getRelease, listReleases } from '../store/releases.js';
import { checkPushRequest, submitPush } from '../jobs/deploy.js';
import { appUrl, gitUrl } from '../config.js';
import { appInfo } from '../app-info.js';
import { listEvents } from '../store/events.js';
import { getCiRun, getCiRunOfCommit, listCiRuns } from '../store/ci-runs.js';
import { checkRefName, submitCiRun } from '../jobs/ci.js';
import { checkConfigChange, submitConfig } from '../jobs/config.js';
import { submitScale } from '../jobs/scale.js';
import { parseFormation } from '../input/formation.js';
import { processViews } from '../release/process-view.js';
import { listAppContainers } from '../docker/containers.js';
import { releaseViews } from '../release/release-view.js';
import { diffReleases } from '../release/release-diff.js';
import { submitRollback } from '../jobs/rollback.js';
import { parseVersionArg } from '../input/version-arg.js';
import { checkAccess } from '../auth/access.js';
import { mayUseApp } from '../auth/caller.js';
import { createToken } from '../auth/tokens.js';
import { deleteToken, listTokens } from '../store/tokens.js';
import { checkPsRequest, submitPs } from '../jobs/ps.js';
import { checkLogsRequest, streamAppLogs } from '../release/app-logs.js';
import { addDomain, removeDomain } from '../domains.js';
import { listDomains } from '../store/domains.js';
import { checkResourcesRequest } from '../input/resources.js';
import { setAppResources, setPlacement } from '../store/apps.js';
import { parsePlacement } from '../input/placement.js';
import { addMount, removeMount } from '../storage.js';
import { listMounts } from '../store/mounts.js';
import { listCerts } from '../store/certificates.js';
import { certViews } from '../tls/cert-view.js';
import { addManualCert, disableAutoCerts, enableAutoCerts, hostnamesOf, removeCert, setHttpsRedirect } from '../tls/certificates.js';

const APP = '([a-z0-9-]{1,63})';
const app = (pattern: string) => new RegExp(`^/apps/${APP}${pattern}$`);
const field = (body: unknown, name: string): unknown => (body as Record<string, unknown> | undefined)?.[name];

/** docker-options:add/remove: the body's phase and option checked, the app's build args changed and stored. */
async function changeBuildArgs(c: RouteContext, change: (app: string, args: BuildArg[], option: BuildArg) => BuildArg[]) {
  const settings = await appRowOf(c);
  checkPhase(String(field(c.body, 'phase') ?? ''));
  const buildArgs = change(settings.name, settings.buildArgs, parseBuildOption(String(field(c.body, 'option') ?? '')));
  await setBuildArgs(c.services.db, settings.name, buildArgs);
  return { app: settings.name, build: buildArgs.map(formatBuildOption) };
}

/** The app of an app route as the audit trail names it (checked by dispatch). */
const app0 = (c: RouteContext) => c.params[0] ?? '';

/** A config change as the audit trail keeps it: the names set and unset, never their values. */
function configAudit(app: string, body: unknown): string {
  const set = Object.keys((field(body, 'set') as Record<string, unknown> | undefined) ?? {});
  const unset = (field(body, 'unset') as unknown[] | undefined) ?? [];
  return [set.length ? `config:set ${app} ${set.join(' ')}` : '', unset.length ? `config:unset ${app} ${unset.map(String).join(' ')}` : '']
    .filter(Boolean)
    .join('; ');
}

/** The app row of an app route (its name checked by dispatch); it must exist. */
function appRowOf({ services, params }: RouteContext): Promise<AppRow> {
  return getApp(services.db, params[0]!);
}

/** The app of an app route: checked by dispatch, and it must exist. */
async function appOf(c: RouteContext): Promise<string> {
  return (await appRowOf(c)).name;
}

/** An app as lists show it: config values only ever come from `config`/`config:get`, to those allowed. */
function appView({ config, ...rest }: AppRow): Omit<AppRow, 'config'> & { configVars: number } {
  return { ...rest, configVars: Object.keys(config).length };
}

async function checkAppsExist(ctx: RouteContext, apps: string[]): Promise<void> {
  for (const name of apps) await getApp(ctx.services.db, name);
}

export const ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/health$/, scope: 'any', handler: async () => ({ ok: true }) },
  {
    method: 'GET',
    pattern: /^\/whoami$/,
    scope: 'any',
    handler: async ({ caller }) => ({ name: caller.name, role: caller.kind, apps: caller.kind === 'admin' ? null : caller.apps }),
  },
  {
    method: 'GET',
    pattern: /^\/apps$/,
    scope: 'any',
    handler: async ({ services: s, caller }) =>
      (await listApps(s.db)).filter((a) => mayUseApp(caller, a.name)).map((a) => ({ ...appView(a), url: appUrl(s.config, a.name) })),
  },
  {
    method: 'POST',
    pattern: /^\/apps$/,
    scope: 'admin',
    audit: (c) => `apps:create ${String(field(c.body, 'name') ?? '')}`,
    handler: async ({ services, body }) => {
      const created = await createApp(services, String(field(body, 'name') ?? ''));
      return { ...appView(created), url: appUrl(services.config, created.name), gitUrl: gitUrl(services.config, created.name) };
    },
  },
  {
    method: 'DELETE',
    pattern: app(''),
    scope: 'admin',
    audit: (c) => `apps:destroy ${app0(c)}`,
    handler: async ({ services, params }) => destroyApp(services, params[0]!).then(() => ({ ok: true })),
  },
  { method: 'GET', pattern: app('/info'), scope: 'app', handler: async (c) => appInfo(c.services, await appOf(c)) },
  { method: 'GET', pattern: app('/builds'), scope: 'app', handler: async (c) => listBuilds(c.services.db, await appOf(c)) },
  {
    method: 'GET',
    pattern: app('/builds/(\\d{1,12})/log'),
    scope: 'app',
    handler: async (c) => ({ log: await getBuildLog(c.services.db, await appOf(c), Number(c.params[1])) }),
  },
  { method: 'GET', pattern: app('/releases'), scope: 'app', handler: async (c) => releaseViews(await listReleases(c.services.db, await appOf(c))) },
  {
    method: 'GET',
    pattern: app('/releases/v?(\\d{1,9})/output'),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      const release = await getRelease(c.services.db, name, Number(c.params[1]));
      const build = await findReleaseBuildLog(c.services.db, name, release.version);
      return { version: release.version, description: release.description, build: build?.number ?? null, output: build?.log ?? null };
    },
  },
  {
    method: 'GET',
    pattern: app('/releases/diff/v?(\\d{1,9})/v?(\\d{1,9})'),
    scope: 'app',
    handler: async (c) => diffReleases(c.services, await appOf(c), Number(c.params[1]), Number(c.params[2])),
  },
  {
    method: 'POST',
    pattern: app('/rollback'),
    audit: (c) => `rollback ${app0(c)} ${String(field(c.body, 'version') ?? '(previous)')}`,
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      const version = parseVersionArg(field(c.body, 'version') as string | undefined);
      return new Streamed((write, signal) => submitRollback(c.services, name, version, write, signal));
    },
  },
  { method: 'GET', pattern: app('/ci'), scope: 'app', handler: async (c) => listCiRuns(c.services.db, await appOf(c)) },
  { method: 'GET', pattern: app('/ci/(\\d{1,6})'), scope: 'app', handler: async (c) => getCiRun(c.services.db, await appOf(c), Number(c.params[1])) },
  { method: 'GET', pattern: app('/ci/([0-9a-f]{7,64})'), scope: 'app', handler: async (c) => getCiRunOfCommit(c.services.db, await appOf(c), c.params[1]!) },
  {
    method: 'POST',
    pattern: app('/ci'),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      const ref = field(c.body, 'ref');
      return new Streamed((write, signal) => submitCiRun(c.services, name, typeof ref === 'string' ? ref : undefined, write, signal));
    },
  },
  {
    method: 'PUT',
    pattern: app('/buildpack'),
    scope: 'admin',
    handler: async (c) => {
      const name = await appOf(c);
      const value = field(c.body, 'buildpack');
      const setting = value === null || value === undefined || value === '' ? null : checkBuildpackSetting(String(value));
      await setAppBuildpack(c.services.db, name, setting);
      return { app: name, buildpack: setting };
    },
  },
  { method: 'GET', pattern: app('/config'), scope: 'app', handler: async (c) => (await appRowOf(c)).config },
  {
    method: 'POST',
    pattern: app('/config'),
    audit: (c) => configAudit(app0(c), c.body),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      const change = checkConfigChange(c.body);
      return new Streamed((write, signal) => submitConfig(c.services, name, change, write, signal));
    },
  },
  {
    method: 'GET',
    pattern: app('/ps'),
    scope: 'app',
    handler: async (c) =>
      c.services.config.scheduler === 'swarm'
        ? swarmProcesses(c.services, await appOf(c))
        : processViews(
            await listAppContainers(c.services.docker, await appOf(c)),
            (id) => c.services.metrics.latest(id),
            undefined,
            (await activeRelease(c.services.db, await appOf(c)))?.version,
          ),
  },
  {
    // The last hour of each running replica's samples, by container name.
    method: 'GET',
    pattern: app('/metrics'),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      const series = c.services.metrics.ofApp(name);
      // Under Swarm a replica's samples are its task container's, on whichever node; it is named by its service.
      const names =
        c.services.config.scheduler === 'swarm'
          ? new Map((await c.services.scheduler.replicas(name)).map((r) => [r.container ?? '', r.name]))
          : new Map((await listAppContainers(c.services.docker, name)).map((ct) => [ct.Id, (ct.Names[0] ?? '').replace(/^\//, '')]));
      return Object.fromEntries(Object.entries(series).map(([id, samples]) => [names.get(id) ?? id, samples]));
    },
  },
  {
    // The formation now: the active release's, or before the first deploy what ps:scale asked the first to start with.
    method: 'GET',
    pattern: app('/formation'),
    scope: 'app',
    handler: async (c) => {
      const settings = await appRowOf(c);
      const release = await activeRelease(c.services.db, settings.name);
      return release ? release.spec.formation : { web: 1, ...settings.formation };
    },
  },
  {
    method: 'POST',
    pattern: app('/scale'),
    audit: (c) => `ps:scale ${app0(c)} ${((field(c.body, 'formation') as unknown[] | undefined) ?? []).map(String).join(' ')}`.trim(),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      const args = field(c.body, 'formation');
      if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'formation must be a list of TYPE=N');
      parseFormation(args as string[]);
      return new Streamed((write, signal) => submitScale(c.services, name, args as string[], write, signal));
    },
  },
  {
    method: 'POST',
    pattern: app('/ps'),
    audit: (c) => `ps:${String(field(c.body, 'action') ?? '')} ${app0(c)} ${String(field(c.body, 'process') ?? '')}`.trim(),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      const request = checkPsRequest(c.body);
      return new Streamed((write, signal) => submitPs(c.services, name, request, write, signal));
    },
  },
  {
    method: 'POST',
    pattern: app('/logs'),
    scope: 'app',
    // Reading logs changes nothing: not in the audit trail.
    audit: false,
    handler: async (c) => {
      const name = await appOf(c);
      const request = checkLogsRequest(c.body);
      return new Streamed((write, signal) => streamAppLogs(c.services, name, request, write, signal));
    },
  },
  { method: 'GET', pattern: app('/domains'), scope: 'app', handler: async (c) => listDomains(c.services.db, await appOf(c)) },
  { method: 'POST', pattern: app('/domains'), scope: 'app', handler: async (c) => addDomain(c.services, await appOf(c), String(field(c.body, 'host') ?? '')) },
  {
    method: 'DELETE',
    pattern: app('/domains/([^/]{1,253})'),
    scope: 'app',
    handler: async (c) => removeDomain(c.services, await appOf(c), c.params[1]!).then(() => ({ ok: true })),
  },
  { method: 'GET', pattern: app('/resources'), scope: 'app', handler: async (c) => (await appRowOf(c)).resources },
  {
    method: 'PUT',
    pattern: app('/resources'),
    scope: 'app',
    handler: async (c) => {
      const row = await appRowOf(c);
      const resources = checkResourcesRequest(row.resources, c.body);
      await setAppResources(c.services.db, row.name, resources);
      return resources;
    },
  },
  { method: 'GET', pattern: app('/placement'), scope: 'app', handler: async (c) => (await appRowOf(c)).placement },
  {
    method: 'PUT',
    pattern: app('/placement'),
    scope: 'app',
    audit: (c) => `ps:placement ${app0(c)}`,
    handler: async (c) => {
      const row = await appRowOf(c);
      const placement = parsePlacement((c.body as { placement?: unknown } | undefined)?.placement);
      await setPlacement(c.services.db, row.name, placement);
      return { placement, scheduler: c.services.config.scheduler };
    },
  },
  { method: 'GET', pattern: app('/storage'), scope: 'app', handler: async (c) => listMounts(c.services.db, await appOf(c)) },
  { method: 'POST', pattern: app('/storage'), scope: 'app', handler: async (c) => addMount(c.services, await appOf(c), String(field(c.body, 'mount') ?? '')) },
  {
    method: 'DELETE',
    pattern: app(`/storage/(${unanchored(VOLUME_NAME)})`),
    scope: 'app',
    handler: async (c) => removeMount(c.services, await appOf(c), c.params[1]!, field(c.body, 'deleteData') === true).then(() => ({ ok: true })),
  },
  {
    method: 'GET',
    pattern: app('/certs'),
    scope: 'app',
    handler: async (c) => {
      const row = await appRowOf(c);
      const { config, db } = c.services;
      const views = certViews(await hostnamesOf(c.services, row.name), await listCerts(db, row.name), new Date(), config.certsRenewDays);
      return { auto: row.certsAuto, redirect: row.httpsRedirect, directory: config.acmeDirectory, certificates: views };
    },
  },
  {
    method: 'POST',
    pattern: app('/certs/auto'),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      if (field(c.body, 'on') === false) return disableAutoCerts(c.services, name).then(() => ({ app: name, auto: false }));
      return new Streamed((write) => enableAutoCerts(c.services, name, write));
    },
  },
  {
    method: 'POST',
    pattern: app('/certs'),
    scope: 'app',
    handler: async (c) =>
      addManualCert(c.services, await appOf(c), String(field(c.body, 'cert') ?? ''), String(field(c.body, 'key') ?? '')).then((rows) =>
        rows.map((r) => r.host),
      ),
  },
  {
    method: 'DELETE',
    pattern: app('/certs/([^/]{1,253})'),
    scope: 'app',
    handler: async (c) => removeCert(c.services, await appOf(c), c.params[1]!).then(() => ({ ok: true })),
  },
  {
    method: 'PUT',
    pattern: app('/certs/redirect'),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      const on = field(c.body, 'on');
      if (typeof on !== 'boolean') throw new PaasError('PAAS_ERR_INVALID_INPUT', 'on must be true or false');
      await setHttpsRedirect(c.services, name, on);
      return { app: name, redirect: on };
    },
  },
  {
    method: 'PUT',
    pattern: app('/dockerfile-path'),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      const value = field(c.body, 'path');
      const dockerfilePath = value === null || value === undefined || value === '' ? null : checkDockerfilePath(String(value));
      await setDockerfilePath(c.services.db, name, dockerfilePath);
      return { app: name, dockerfilePath };
    },
  },
  {
    method: 'GET',
    pattern: app('/docker-options'),
    scope: 'app',
    handler: async (c) => {
      const settings = await appRowOf(c);
      return { app: settings.name, build: settings.buildArgs.map(formatBuildOption) };
    },
  },
  {
    method: 'POST',
    pattern: app('/docker-options'),
    scope: 'app',
    handler: (c) => changeBuildArgs(c, (app, args, option) => withBuildArg(args, option)),
  },
  {
    method: 'DELETE',
    pattern: app('/docker-options'),
    scope: 'app',
    handler: (c) => changeBuildArgs(c, withoutBuildArg),
  },
  {
    method: 'PUT',
    pattern: app('/deploy-branch'),
    scope: 'admin',
    handler: async (c) => {
      const name = await appOf(c);
      const value = field(c.body, 'branch');
      const branch = value === null || value === undefined || value === '' ? null : checkRefName(String(value)).replace(/^refs\/heads\//, '');
      await setDeployBranch(c.services.db, name, branch);
      return { app: name, deployBranch: branch };
    },
  },
  { method: 'GET', pattern: /^\/keys$/, scope: 'admin', handler: async ({ services }) => listKeys(services.db) },
  {
    method: 'POST',
    pattern: /^\/keys$/,
    audit: (c) => `keys:add ${String(field(c.body, 'name') ?? '')}`,
    scope: 'admin',
    handler: async (c) => {
      const access = checkAccess(c.body);
      await checkAppsExist(c, access.apps);
      return addKey(c.services.db, String(field(c.body, 'name') ?? ''), String(field(c.body, 'publicKey') ?? ''), access);
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/keys\/([^/]{1,100})$/,
    audit: (c) => `keys:remove ${c.params[0]}`,
    scope: 'admin',
    handler: async (c) => deleteKey(c.services.db, c.params[0]!).then(() => ({ ok: true })),
  },
  { method: 'GET', pattern: /^\/tokens$/, scope: 'admin', handler: async ({ services }) => listTokens(services.db) },
  {
    method: 'POST',
    pattern: /^\/tokens$/,
    audit: (c) => `tokens:create ${String(field(c.body, 'name') ?? '')}`,
    scope: 'admin',
    handler: async (c) => {
      const access = checkAccess(c.body);
      await checkAppsExist(c, access.apps);
      const { token, row } = await createToken(c.services.db, String(field(c.body, 'name') ?? ''), access);
      return { ...row, token };
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/tokens\/([^/]{1,100})$/,
    audit: (c) => `tokens:revoke ${c.params[0]}`,
    scope: 'admin',
    handler: async (c) => deleteToken(c.services.db, c.params[0]!).then(() => ({ ok: true })),
  },
  {
    method: 'POST',
    pattern: /^\/internal\/receive$/,
    audit: false,
    scope: 'admin',
    handler: async ({ services, body }) => {
      const request = checkPushRequest(body);
      return new Streamed((write, signal) => submitPush(services, request, write, signal));
    },
  },
  ...SERVICE_ROUTES,
  ...DASHBOARD_ROUTES,
  ...WEBHOOK_ROUTES,
  ...NODE_ROUTES,
  ...METRICS_ROUTES,
  ...MAINTENANCE_ROUTES,
  ...DYNO_ROUTES,
  ...PIPELINE_ROUTES,
  ...REVIEW_ROUTES,
  ...CRON_ROUTES,
  {
    method: 'GET',
    pattern: /^\/events$/,
    scope: 'any',
    handler: async ({ services, caller }) => listEvents(services.db, { limit: 200, ...(caller.kind === 'admin' ? {} : { apps: caller.apps }) }),
  },
  { method: 'GET', pattern: app('/events'), scope: 'app', handler: async (c) => listEvents(c.services.db, { app: await appOf(c), limit: 200 }) },
];
