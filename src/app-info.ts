// `paas apps:info APP` (Heroku's apps:info, Dokku's apps:report): what an app is and how it runs, in one answer.
import type { Services } from './services.js';
import { appUrl, gitUrl } from './config.js';
import { getApp } from './store/apps.js';
import { activeRelease } from './store/releases.js';
import { listBuilds } from './store/builds.js';
import { listCiRuns } from './store/ci-runs.js';
import { listDomains } from './store/domains.js';
import { listLinks } from './store/backing-services.js';

export interface AppInfo {
  name: string;
  url: string;
  gitUrl: string;
  deployBranch: string;
  release: { version: number; description: string; createdAt: string } | null;
  formation: Record<string, number>;
  running: number;
  /** maintenance:on: the processes run, the router answers a maintenance page. */
  maintenance: boolean;
  lastBuild: { number: number; status: string; sha: string; createdAt: string } | null;
  lastCiRun: { number: number; branch: string; status: string } | null;
  domains: string[];
  services: { name: string; envVar: string }[];
  configVars: number;
  createdAt: string;
}

export async function appInfo(services: Pick<Services, 'config' | 'db' | 'processes'>, name: string): Promise<AppInfo> {
  const row = await getApp(services.db, name);
  const release = await activeRelease(services.db, row.name);
  const [build] = await listBuilds(services.db, row.name);
  const [ci] = await listCiRuns(services.db, row.name);
  const processes = (await services.processes(row.name)).map((p) => p.view);
  return {
    name: row.name,
    url: appUrl(services.config, row.name),
    gitUrl: gitUrl(services.config, row.name),
    deployBranch: row.deployBranch ?? 'main or master',
    release: release ? { version: release.version, description: release.description, createdAt: release.createdAt } : null,
    formation: release ? release.spec.formation : { web: 1, ...row.formation },
    running: processes.filter((p) => p.state === 'running').length,
    maintenance: row.maintenance,
    lastBuild: build ? { number: build.number, status: build.status, sha: build.sha.slice(0, 7), createdAt: build.createdAt } : null,
    lastCiRun: ci ? { number: ci.number, branch: ci.branch, status: ci.status } : null,
    domains: (await listDomains(services.db, row.name)).map((d) => d.host),
    services: (await listLinks(services.db, { app: row.name })).map((l) => ({ name: l.service, envVar: l.envVar })),
    configVars: Object.keys(row.config).length,
    createdAt: row.createdAt,
  };
}
