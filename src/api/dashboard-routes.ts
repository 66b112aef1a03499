// The routes the dashboard adds to the API: the apps list in one answer, and the live streams its pages follow
// (jobs running and their lines, an app's runtime logs), sent as server-sent events to an EventSource.
import { Streamed, type Route } from './dispatch.js';
import { mayUseApp } from '../auth/caller.js';
import { appsOverview } from '../app-overview.js';
import { getApp } from '../store/apps.js';
import { streamAppLogs } from '../release/app-logs.js';
import type { ActivityFeed } from '../queue/activity-feed.js';
import type { Services } from '../services.js';
import { APP, appOf } from './route-helpers.js';

/** Lines of JSON: first the jobs running now with their lines so far, then every start, line and end, until the caller goes. */
function followActivity(activity: ActivityFeed, wanted: (app: string) => boolean): Streamed {
  return new Streamed(async (write, signal) => {
    for (const running of activity.snapshot(wanted)) write(JSON.stringify({ type: 'running', ...running }));
    activity.follow(wanted, (event) => write(JSON.stringify(event)), signal);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    return 0;
  });
}

/** The app's processes (as `paas ps --json`) with each replica's recent CPU, now and after every metrics sample. */
function followProcesses(services: Pick<Services, 'metrics' | 'config' | 'processes'>, app: string): Streamed {
  return new Streamed(async (write, signal) => {
    const send = async () => {
      const series = services.metrics.ofApp(app);
      const processes = (await services.processes(app)).map(({ view, sampleId }) => ({
        ...view,
        cpuHistory: (series[sampleId] ?? []).slice(-60).map((s) => Math.round(s.cpuPercent * 10) / 10),
      }));
      write(JSON.stringify(processes));
    };
    await send();
    const timer = setInterval(() => void send().catch(() => undefined), Math.max(1000, services.config.metricsIntervalMs));
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    clearInterval(timer);
    return 0;
  });
}

export const DASHBOARD_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/overview$/,
    scope: 'any',
    handler: async ({ services, caller }) => appsOverview(services, (app) => mayUseApp(caller, app)),
  },
  {
    method: 'GET',
    pattern: /^\/activity$/,
    scope: 'any',
    handler: async ({ services, caller }) => followActivity(services.activity, (app) => mayUseApp(caller, app)),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/apps/${APP}/activity$`),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      return followActivity(c.services.activity, (app) => app === name);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/apps/${APP}/ps/live$`),
    scope: 'app',
    handler: async (c) => followProcesses(c.services, await appOf(c)),
  },
  {
    // The config's names only: the dashboard shows a value when asked (GET /apps/APP/config).
    method: 'GET',
    pattern: new RegExp(`^/apps/${APP}/config-names$`),
    scope: 'app',
    handler: async (c) => Object.keys((await getApp(c.services.db, c.params[0]!)).config).sort(),
  },
  {
    // `paas logs -f --tail 200` for an EventSource (which can only GET).
    method: 'GET',
    pattern: new RegExp(`^/apps/${APP}/logs/live$`),
    scope: 'app',
    handler: async (c) => {
      const name = await appOf(c);
      return new Streamed((write, signal) => streamAppLogs(c.services, name, { follow: true, tail: 200, process: null, source: null }, write, signal));
    },
  },
];
