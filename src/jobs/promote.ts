// The promote job: `paas pipelines:promote APP [--to APP,...]`. The source's active release is fixed when asked, its
// commit must have passed CI (unless --force), and each target gets a job on its own queue, run one after another:
// the very image, released with the target's config through the normal swap.
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { mayUseApp, type Caller } from '../auth/caller.js';
import { activeRelease } from '../store/releases.js';
import { listCiRuns } from '../store/ci-runs.js';
import { getPipeline, pipelineOf } from '../store/pipelines.js';
import { promotionBlock, promotionTargets } from '../input/pipeline.js';
import { runQueued } from '../queue/run-queued.js';
import { promoteRelease } from '../release/promote.js';
import { syncCron } from '../cron/sync-cron.js';
import { PaasError } from '../errors.js';
import { ERROR, STEP, DONE } from '../log.js';
import type { JobKind } from './job.js';

/** A promotion of `from`'s release `fromVersion` to `app`. */
export interface PromoteJob {
  kind: 'promote';
  logId: string;
  app: string;
  from: string;
  fromVersion: number;
  actor?: string;
}

export const promoteJob: JobKind<PromoteJob> = {
  queue: 'deploy',
  visible: true,
  history: true,
  async run({ services, out }, data) {
    const version = await promoteRelease(services, { app: data.from, version: data.fromVersion }, data.app, out, {
      released: (appJson) => syncCron(services, data.app, appJson, out),
    });
    await services.webhooks.emit(data.app, 'promote', { from: data.from, fromVersion: data.fromVersion, release: version });
    return { fields: { from: data.from, release: version } };
  },
  releases: () => true,
  stoppedAfter: () => false,
};

export interface PromoteRequest {
  to?: string[];
  force: boolean;
}

export function checkPromoteRequest(body: unknown): PromoteRequest {
  const raw = (body ?? {}) as { to?: unknown; force?: unknown };
  if (raw.to !== undefined && (!Array.isArray(raw.to) || raw.to.some((a) => typeof a !== 'string') || raw.to.length > 50))
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'to must be a list of app names');
  return { ...(raw.to ? { to: raw.to as string[] } : {}), force: raw.force === true };
}

/** What a promotion ships, checked before anything is queued: the source's release, the targets, and a forced block. */
export interface Promotion {
  app: string;
  version: number;
  sha: string;
  targets: string[];
  forced?: string;
}

/** Checks a promotion of `app`'s active release: its pipeline, the caller's access to every target, its CI result. */
export async function planPromotion(services: Pick<Services, 'db'>, caller: Caller, app: string, request: PromoteRequest): Promise<Promotion> {
  const membership = await pipelineOf(services.db, app);
  const pipeline = membership ? await getPipeline(services.db, membership.pipeline) : undefined;
  const targets = promotionTargets(pipeline?.apps ?? [], app, request.to);
  // A collaborator of staging is not one of production: every target is checked as if it were asked for itself.
  const denied = targets.filter((t) => !mayUseApp(caller, t));
  if (denied.length)
    throw new PaasError('PAAS_ERR_PERMISSION_DENIED', `permission denied: you may not deploy to ${denied.join(', ')}; ask an admin for access`);
  const release = await activeRelease(services.db, app);
  if (!release) throw new PaasError('PAAS_ERR_PROMOTION_REFUSED', `app "${app}" has no release to promote: push to it first`);
  const block = promotionBlock(await listCiRuns(services.db, app), release.sha);
  if (block && !request.force)
    throw new PaasError(
      'PAAS_ERR_PROMOTION_REFUSED',
      `${app} v${release.version} is not promoted: ${block}; run its tests (paas ci:run ${app} ${release.sha.slice(0, 7)}) or add --force`,
    );
  return { app, version: release.version, sha: release.sha, targets, ...(block ? { forced: block } : {}) };
}

/** Promotes to each target in turn, each on its own queue; resolves with the exit status (0 once every target serves it). */
export async function submitPromotion(
  services: Pick<Services, 'queues' | 'redis' | 'redisTarget'>,
  promotion: Promotion,
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  const { app, version, targets } = promotion;
  write(
    `${STEP}Promoting ${app} v${version} (${promotion.sha.slice(0, 7)}) to ${targets.join(', ')}${promotion.forced ? ` (--force: ${promotion.forced})` : ''}`,
  );
  const failed: string[] = [];
  for (const target of targets) {
    if (signal.aborted) break;
    const job: PromoteJob = { kind: 'promote', logId: `promote-${randomUUID()}`, app: target, from: app, fromVersion: version };
    if (!(await runQueued(services, services.queues, job, write, signal))) failed.push(target);
  }
  if (failed.length) {
    const others = failed.length < targets.length ? 'the other targets run the new release; ' : '';
    write(`${ERROR}the promotion to ${failed.join(', ')} failed; ${others}${failed.join(', ')} still run${failed.length === 1 ? 's' : ''} what ran before`);
    return 1;
  }
  // Each target's job ended with its own line and URL; several get one line more that sums them up.
  if (targets.length > 1) write(`${DONE}Promoted ${app} v${version} to ${targets.join(', ')}`);
  return 0;
}
