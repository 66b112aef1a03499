// Builds, releases (with their output and differences), rollback, and CI runs of an app.
import { Streamed, type Route } from './dispatch.js';
import { PaasError } from '../errors.js';
import { findReleaseBuildLog, getBuildLog, listBuilds } from '../store/builds.js';
import { getRelease, listReleases } from '../store/releases.js';
import { getCiRun, getCiRunOfCommit, listCiRuns } from '../store/ci-runs.js';
import { submitCiRun } from '../jobs/ci.js';
import { releaseViews } from '../release/release-view.js';
import { diffReleases } from '../release/release-diff.js';
import { submitRollback } from '../jobs/rollback.js';
import { parseVersionArg } from '../input/version-arg.js';
import { app, app0, appOf, field } from './route-helpers.js';

export const RELEASE_ROUTES: Route[] = [
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
      const run = field(c.body, 'run');
      if (run !== undefined && !(Number.isInteger(run) && (run as number) > 0)) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'run must be a CI run number');
      const what = { ref: typeof ref === 'string' ? ref : undefined, run: run as number | undefined };
      return new Streamed((write, signal) => submitCiRun(c.services, name, what, write, signal));
    },
  },
];
