// The dashboard's list of apps in one answer: each app's state, release, processes, last deploy and CI status,
// from one container listing and a few store reads per app (not one request per app from the browser).
import type { Services } from './services.js';
import { appUrl } from './config.js';
import type { AppRow } from './store/apps.js';
import { listApps } from './store/apps.js';
import { activeRelease, type ReleaseRow } from './store/releases.js';
import { listBuilds, type BuildRow } from './store/builds.js';
import { listCiRuns, type CiRunRow } from './store/ci-runs.js';
import type { ProcessView } from './release/process-view.js';

export type AppState = 'not deployed' | 'running' | 'stopped' | 'degraded';

export interface AppOverview {
  name: string;
  url: string;
  state: AppState;
  release: number | null;
  /** Per process type: replicas wanted and running. */
  processes: Record<string, { wanted: number; running: number }>;
  lastDeploy: string | null;
  lastBuild: { number: number; status: string } | null;
  ci: { number: number; branch: string; status: string } | null;
}

/** Pure: how the list shows one app. */
export function overviewOf(
  app: Pick<AppRow, 'name' | 'stopped'>,
  url: string,
  release: Pick<ReleaseRow, 'version' | 'createdAt' | 'spec'> | undefined,
  build: Pick<BuildRow, 'number' | 'status'> | undefined,
  ci: Pick<CiRunRow, 'number' | 'branch' | 'status'> | undefined,
  views: Pick<ProcessView, 'process' | 'state' | 'release'>[],
): AppOverview {
  const processes: AppOverview['processes'] = {};
  for (const [type, wanted] of Object.entries(release?.spec.formation ?? {})) processes[type] = { wanted, running: 0 };
  for (const view of views) {
    if (view.state !== 'running' || view.release !== `v${release?.version}`) continue;
    (processes[view.process] ??= { wanted: 0, running: 0 }).running += 1;
  }
  const short = Object.values(processes).some((p) => p.running < p.wanted);
  const state: AppState = !release ? 'not deployed' : app.stopped ? 'stopped' : short ? 'degraded' : 'running';
  return {
    name: app.name,
    url,
    state,
    release: release?.version ?? null,
    processes,
    lastDeploy: release?.createdAt ?? null,
    lastBuild: build ? { number: build.number, status: build.status } : null,
    ci: ci ? { number: ci.number, branch: ci.branch, status: ci.status } : null,
  };
}

/** The overview of every app `wanted` accepts. */
export async function appsOverview(services: Pick<Services, 'config' | 'db' | 'processes'>, wanted: (app: string) => boolean): Promise<AppOverview[]> {
  const apps = (await listApps(services.db)).filter((a) => wanted(a.name));
  const byApp = new Map<string, ProcessView[]>();
  for (const { app, view } of await services.processes()) byApp.set(app, [...(byApp.get(app) ?? []), view]);
  return Promise.all(
    apps.map(async (app) => {
      const [release, [build], [ci]] = await Promise.all([
        activeRelease(services.db, app.name),
        listBuilds(services.db, app.name),
        listCiRuns(services.db, app.name),
      ]);
      return overviewOf(app, appUrl(services.config, app.name), release, build, ci, byApp.get(app.name) ?? []);
    }),
  );
}
