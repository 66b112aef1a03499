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
import { PORTS_ROUTES } from './ports-routes.js';
import { PaasError } from '../errors.js';
import { VOLUME_NAME, unanchored } from '../input/patterns.js';
import { createApp, destroyApp } from '../apps.js';
import { listApps, setAppBuildpack, setBuildArgs, setDeployBranch, setDockerfilePath, type AppRow } from '../store/apps.js';
import { checkPhase, formatBuildOption, parseBuildOption, withBuildArg, withoutBuildArg, type BuildArg } from '../input/docker-options.js';
import { checkDockerfilePath } from '../build/dockerfile-path.js';
import { checkBuildpackSetting } from '../build/buildpack-setting.js';
import { activeRelease } from '../store/releases.js';
import { appUrl, gitUrl } from '../config.js';
import { appInfo } from '../app-info.js';
import { checkRefName } from '../jobs/ci.js';
import { checkConfigChange, submitConfig } from '../jobs/config.js';
import { submitScale } from '../jobs/scale.js';
import { parseFormation } from '../input/formation.js';
import { mayUseApp } from '../auth/caller.js';
import { checkPsRequest, submitPs } from '../jobs/ps.js';
import { checkLogsRequest, streamAppLogs } from '../release/app-logs.js';
import { checkResourcesRequest } from '../input/resources.js';
import { setAppResources, setPlacement } from '../store/apps.js';
import { parsePlacement } from '../input/placement.js';
import { addMount, removeMount } from '../storage.js';
import { listMounts } from '../store/mounts.js';
import { RELEASE_ROUTES } from './release-routes.js';
import { ACCESS_ROUTES } from './access-routes.js';
import { PUSH_ROUTE } from './push-route.js';
import { app, app0, appOf, appRowOf, field } from './route-helpers.js';
import { DOMAIN_ROUTES } from './domain-routes.js';

/** docker-options:add/remove: the body's phase and option checked, the app's build args changed and stored. */
async function changeBuildArgs(c: RouteContext, change: (app: string, args: BuildArg[], option: BuildArg) => BuildArg[]) {
  const settings = await appRowOf(c);
  checkPhase(String(field(c.body, 'phase') ?? ''));
  const buildArgs = change(settings.name, settings.buildArgs, parseBuildOption(String(field(c.body, 'option') ?? '')));
  await setBuildArgs(c.services.db, settings.name, buildArgs);
  return { app: settings.name, build: buildArgs.map(formatBuildOption) };
}

/** A config change as the audit trail keeps it: the names set and unset, never their values. */
function configAudit(app: string, body: unknown): string {
  const set = Object.keys((field(body, 'set') as Record<string, unknown> | undefined) ?? {});
  const unset = (field(body, 'unset') as unknown[] | undefined) ?? [];
  return [set.length ? `config:set ${app} ${set.join(' ')}` : '', unset.length ? `config:unset ${app} ${unset.map(String).join(' ')}` : '']
    .filter(Boolean)
    .join('; ');
}

/** An app as lists show it: config values only ever come from `config`/`config:get`, to those allowed. */
function appView({ config, ...rest }: AppRow): Omit<AppRow, 'config'> & { configVars: number } {
  return { ...rest, configVars: Object.keys(config).length };
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
  ...RELEASE_ROUTES,
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
    handler: async (c) => (await c.services.processes(await appOf(c))).map((p) => p.view),
  },
  {
    // The last hour of each running replica's samples, by the replica's name (under Swarm: its service task's).
    method: 'GET',
    pattern: app('/metrics'),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      const series = c.services.metrics.ofApp(name);
      const names = new Map((await c.services.processes(name)).map((p) => [p.sampleId, p.view.container]));
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
  ...DOMAIN_ROUTES,
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
  ...ACCESS_ROUTES,
  PUSH_ROUTE,
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
  ...PORTS_ROUTES,
];
