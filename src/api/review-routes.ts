// reviewapps, reviewapps:enable|disable|create|destroy (Heroku's review apps): a pipeline's settings for them, the
// list with URLs, one made for a branch on request, and one removed with everything it had.
import { mayUseApp, type Caller } from '../auth/caller.js';
import { PaasError } from '../errors.js';
import { Streamed, type Route, type RouteContext } from './dispatch.js';
import { getPipeline, setReviewSettings, type PipelineRow } from '../store/pipelines.js';
import { findReviewApp, listReviewApps } from '../store/review-apps.js';
import { listCiRuns } from '../store/ci-runs.js';
import { activeRelease } from '../store/releases.js';
import { checkReviewSettings } from '../input/pipeline.js';
import { APP_NAME, unanchored } from '../input/patterns.js';
import { destroyReviewApp, reviewParentOf } from '../review/review-apps.js';
import { deployReviewApp } from '../jobs/review.js';
import { checkRefName } from '../jobs/ci.js';
import { runGit } from '../git/run-git.js';
import { repoPath } from '../git/repos.js';
import { appUrl } from '../config.js';
import { lineSink } from '../log.js';
import { field } from './route-helpers.js';

const NAME = unanchored(APP_NAME);
const reviewPath = new RegExp(`^/pipelines/(${NAME})/review-apps$`);

/** The pipeline of a review-apps route, whose staging app (the parent) the caller must be able to use. */
async function parentPipeline(c: RouteContext): Promise<{ pipeline: PipelineRow; parent: string }> {
  const pipeline = await getPipeline(c.services.db, c.params[0]!);
  const parent = reviewParentOf(pipeline);
  if (!mayUseApp(c.caller, parent))
    throw new PaasError(
      'PAAS_ERR_PERMISSION_DENIED',
      `permission denied: "${c.caller.name}" may not use ${parent}, the parent of ${pipeline.name}'s review apps`,
    );
  return { pipeline, parent };
}

function mayUseReviewApp(caller: Caller, row: { app: string; parent: string }): boolean {
  return mayUseApp(caller, row.app) || mayUseApp(caller, row.parent);
}

export const REVIEW_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: reviewPath,
    scope: 'any',
    handler: async (c) => {
      const { pipeline } = await parentPipeline(c);
      const rows = await listReviewApps(c.services.db, { pipeline: pipeline.name });
      return Promise.all(
        rows.map(async (r) => {
          const release = await activeRelease(c.services.db, r.app);
          return { ...r, url: appUrl(c.services.config, r.app), state: release ? 'deployed' : 'created', release: release?.version ?? null };
        }),
      );
    },
  },
  {
    method: 'PUT',
    pattern: reviewPath,
    scope: 'any',
    audit: (c) => `reviewapps:enable --pipeline ${c.params[0] ?? ''}`,
    handler: async (c) => {
      const { pipeline } = await parentPipeline(c);
      const settings = { enabled: true, ...checkReviewSettings(c.body) };
      await setReviewSettings(c.services.db, pipeline.name, settings);
      return { pipeline: pipeline.name, ...settings };
    },
  },
  {
    method: 'DELETE',
    pattern: reviewPath,
    scope: 'any',
    audit: (c) => `reviewapps:disable --pipeline ${c.params[0] ?? ''}`,
    handler: async (c) => {
      const { pipeline } = await parentPipeline(c);
      await setReviewSettings(c.services.db, pipeline.name, { enabled: false, autodeploy: false, autodestroyDays: null });
      return { pipeline: pipeline.name, enabled: false, left: (await listReviewApps(c.services.db, { pipeline: pipeline.name })).map((r) => r.app) };
    },
  },
  {
    method: 'POST',
    pattern: reviewPath,
    scope: 'any',
    audit: (c) => `reviewapps:create --pipeline ${c.params[0] ?? ''} --branch ${String(field(c.body, 'branch') ?? '')}`,
    handler: async (c) => {
      const { pipeline, parent } = await parentPipeline(c);
      if (!pipeline.review.enabled)
        throw new PaasError('PAAS_ERR_INVALID_INPUT', `review apps are off for ${pipeline.name}: paas reviewapps:enable --pipeline ${pipeline.name}`);
      const branch = checkRefName(String(field(c.body, 'branch') ?? ''));
      const resolved = await runGit(
        ['--git-dir', repoPath(c.services.config.dataDir, parent), 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`],
        { allowFail: true },
      );
      const sha = resolved.stdout.toString().trim();
      if (resolved.code !== 0 || !sha) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${parent} has no pushed branch "${branch}": git push paas ${branch}`);
      const passed = (await listCiRuns(c.services.db, parent)).find((r) => r.sha === sha && r.status === 'passed');
      const tested = passed ? `Tests of ${sha.slice(0, 7)} passed in CI run ${passed.number} of ${parent}; not run again` : undefined;
      return new Streamed(async (write, signal) =>
        (await deployReviewApp(c.services, pipeline, parent, { branch, ref: `refs/heads/${branch}`, sha, gitEnv: {} }, tested, write, signal)) ? 0 : 1,
      );
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/review-apps/(${NAME})/destroy$`),
    scope: 'any',
    audit: (c) => `reviewapps:destroy ${c.params[0] ?? ''}`,
    handler: async (c) => {
      const row = await findReviewApp(c.services.db, { app: c.params[0]! });
      if (!row || !mayUseReviewApp(c.caller, row))
        throw new PaasError('PAAS_ERR_APP_NOT_FOUND', `"${c.params[0]!}" is not a review app you may use (see: paas reviewapps --pipeline NAME)`);
      return new Streamed(async (write) => {
        await destroyReviewApp(c.services, row.app, lineSink(write));
        return 0;
      });
    },
  },
];
