// Review apps (Heroku's): an app of its own for a branch pushed to a pipeline's staging app (its parent), built
// from the parent's repository, with the parent's config less its services, app.json `environments.review`, and
// fresh backing services from its addons; removed with everything it had when the branch goes.
import type { Services } from '../services.js';
import type { GitObjectEnv } from '../git/run-git.js';
import { createApp, destroyApp } from '../apps.js';
import { getApp, listApps, setAppConfig } from '../store/apps.js';
import { activeRelease } from '../store/releases.js';
import { listLinks } from '../store/backing-services.js';
import { getPipeline, pipelineOf, type PipelineRow } from '../store/pipelines.js';
import { findReviewApp, insertReviewApp, listReviewApps, type ReviewAppRow } from '../store/review-apps.js';
import { readAppFiles } from '../build/build-commit.js';
import { repoPath } from '../git/repos.js';
import { destroyService } from '../backing/service-lifecycle.js';
import { runtimeSettings } from '../release/runtime-settings.js';
import { reviewAppName, reviewConfig, reviewScript } from '../input/pipeline.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';

type Deps = Pick<Services, 'certs' | 'ciQueues' | 'config' | 'cron' | 'dataPlane' | 'db' | 'docker' | 'queues' | 'scheduler'>;

/** The pipeline whose review apps `app` is the parent of (its staging app, review apps enabled), if any. */
export async function reviewPipelineOf(services: Pick<Services, 'db'>, app: string): Promise<PipelineRow | undefined> {
  const membership = await pipelineOf(services.db, app);
  if (!membership || membership.stage !== 'staging') return undefined;
  const pipeline = await getPipeline(services.db, membership.pipeline);
  return pipeline.review.enabled ? pipeline : undefined;
}

/** The parent of a pipeline's review apps: its staging app (the first, when it has several). */
export function reviewParentOf(pipeline: PipelineRow): string {
  const parent = pipeline.apps.find((a) => a.stage === 'staging')?.app;
  if (!parent)
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `pipeline "${pipeline.name}" has no staging app to make review apps of: paas pipelines:add APP --pipeline ${pipeline.name} --stage staging`,
    );
  return parent;
}

/** The review app of `branch` of `parent`, made (config and all) when it has none yet. */
export async function ensureReviewApp(
  services: Deps,
  pipeline: PipelineRow,
  parent: string,
  branch: string,
  commit: { sha: string; gitEnv: GitObjectEnv },
  out: LineSink,
): Promise<{ row: ReviewAppRow; created: boolean }> {
  const existing = await findReviewApp(services.db, { parent, branch });
  if (existing) return { row: existing, created: false };
  const count = (await listReviewApps(services.db, { pipeline: pipeline.name })).length;
  if (count >= services.config.reviewAppsMax)
    throw new PaasError(
      'PAAS_ERR_QUOTA',
      `pipeline ${pipeline.name} has ${count} review apps, the most it may have (PAAS_REVIEW_APPS_MAX): remove one with paas reviewapps:destroy APP`,
    );
  const names = new Set((await listApps(services.db)).map((a) => a.name));
  const app = reviewAppName(parent, branch, (name) => names.has(name));
  const files = await readAppFiles({ repo: repoPath(services.config.dataDir, parent), sha: commit.sha, gitEnv: commit.gitEnv, cache: {} });
  const parentRow = await getApp(services.db, parent);
  const serviceVars = (await listLinks(services.db, { app: parent })).map((l) => l.envVar);
  // The app, its review row and its config in one transaction: a crash leaves a whole review app or none.
  await createApp(services, app, async (trx) => {
    await insertReviewApp(trx, { app, pipeline: pipeline.name, parent, branch });
    await setAppConfig(trx, app, reviewConfig(parentRow.config, serviceVars, files.appJson, { app, parent, branch }));
  });
  out.step(`Created review app ${app} for ${branch} of ${parent}`);
  return { row: (await findReviewApp(services.db, { app }))!, created: true };
}

/**
 * Removes a review app and everything it had: app.json's `pr-predestroy` script runs first (in its image, with its
 * config), then the app (containers, images, routes, certificates, volumes), then the services made for it (with
 * their data and backups).
 */
export async function destroyReviewApp(services: Deps, app: string, out: LineSink): Promise<void> {
  const row = await findReviewApp(services.db, { app });
  if (!row) throw new PaasError('PAAS_ERR_APP_NOT_FOUND', `"${app}" is not a review app (see: paas reviewapps --pipeline NAME)`);
  const release = await activeRelease(services.db, app);
  if (release) {
    const files = await readAppFiles({ repo: repoPath(services.config.dataDir, row.parent), sha: release.sha, gitEnv: {}, cache: {} }).catch(() => undefined);
    const script = reviewScript(files?.appJson, 'pr-predestroy');
    if (script) {
      out.step(`Running pr-predestroy: ${script}`);
      const runtime = await runtimeSettings(services.db, app, services.config.defaultLimits);
      const config = (await getApp(services.db, app)).config;
      const { exitCode, output } = await services.scheduler.runOnce({
        app,
        process: 'predestroy',
        image: release.imageId,
        command: script,
        config,
        ...runtime.of('release'),
      });
      out.detail(output);
      if (exitCode !== 0) out.error(`pr-predestroy exited with ${exitCode}; the review app is removed anyway`);
    }
  }
  const own = (await listLinks(services.db, { app })).map((l) => l.service).filter((s) => s.startsWith(`${app}-`));
  await destroyApp(services, app);
  for (const service of own) await destroyService(services, service, service);
  out.step(`Destroyed review app ${app}${own.length ? ` and its services ${own.join(', ')}` : ''}`);
}
