// Pure: pipeline names, stages, and what a promotion goes to, as on Heroku: development -> staging -> production.
import { createHash } from 'node:crypto';
import { PaasError } from '../errors.js';
import { APP_NAME } from './patterns.js';

export const STAGES = ['development', 'staging', 'production'] as const;
export type Stage = (typeof STAGES)[number];

/** A pipeline's name: the shape of an app name (it is typed where app names are). */
export function checkPipelineName(name: unknown): string {
  if (typeof name !== 'string' || !APP_NAME.test(name))
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `not a pipeline name: ${JSON.stringify(String(name).slice(0, 70))} (lowercase letters, digits and dashes, up to 63)`,
    );
  return name;
}

/** The stage asked for, or the one the app's name implies (`shop-staging`, `shop-prod`, `shop-dev`), as Heroku guesses it. */
export function checkStage(stage: unknown, app: string): Stage {
  if (stage === undefined || stage === null || stage === '') {
    const guessed = stageOfName(app);
    if (guessed) return guessed;
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `give the stage of ${app}: --stage ${STAGES.join('|')}`);
  }
  if (typeof stage !== 'string' || !(STAGES as readonly string[]).includes(stage))
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `unknown stage ${JSON.stringify(String(stage).slice(0, 40))}: use ${STAGES.join(', ')}`);
  return stage as Stage;
}

export function stageOfName(app: string): Stage | undefined {
  if (/-(staging|stage|stg)$/.test(app)) return 'staging';
  if (/-(production|prod|prd)$/.test(app)) return 'production';
  if (/-(development|dev)$/.test(app)) return 'development';
  return undefined;
}

/** The stage after `stage`, if any. */
export function nextStage(stage: Stage): Stage | undefined {
  return STAGES[STAGES.indexOf(stage) + 1];
}

/**
 * The apps a promotion of `from` deploys to: the ones named (each in the same pipeline, never `from` itself), or
 * every app of the next stage.
 */
export function promotionTargets(apps: readonly { app: string; stage: Stage }[], from: string, to: readonly string[] | undefined): string[] {
  const source = apps.find((a) => a.app === from);
  if (!source) throw new PaasError('PAAS_ERR_PIPELINE_NOT_FOUND', `app "${from}" is in no pipeline: add it with paas pipelines:add ${from} --pipeline NAME`);
  if (to?.length) {
    for (const name of to) {
      if (name === from) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${from} cannot be promoted to itself`);
      if (!apps.some((a) => a.app === name)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `app "${name}" is not in ${from}'s pipeline`);
    }
    return [...new Set(to)];
  }
  const next = nextStage(source.stage);
  const targets = next ? apps.filter((a) => a.stage === next).map((a) => a.app) : [];
  if (!targets.length)
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      next
        ? `the pipeline has no ${next} app to promote ${from} to: paas pipelines:add APP --stage ${next}`
        : `${from} is in production, the last stage: name the targets with --to APP`,
    );
  return targets;
}

/** Why a commit may not be promoted without --force: no run of its tests passed (undefined: one did). */
export function promotionBlock(runs: readonly { sha: string; status: string }[], sha: string): string | undefined {
  const own = runs.filter((r) => r.sha === sha);
  if (own.some((r) => r.status === 'passed')) return undefined;
  const short = sha.slice(0, 7);
  if (!own.length) return `commit ${short} has no CI run`;
  if (own.every((r) => r.status === 'skipped')) return `commit ${short} has no tests (its CI runs were skipped: no test command)`;
  return `no CI run of commit ${short} passed (${[...new Set(own.map((r) => r.status))].join(', ')})`;
}

/**
 * A review app's name: the parent's and the branch's, as one DNS label (lowercase, dashes, at most 63), with a
 * short hash of the branch when it had to be cut or the name is `taken` (two branches that read alike stay apart).
 */
export function reviewAppName(parent: string, branch: string, taken: (name: string) => boolean): string {
  const slug =
    branch
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'branch';
  const plain = `${parent}-${slug}`;
  if (plain.length <= 63 && !taken(plain)) return plain;
  for (let salt = 0; ; salt++) {
    const hash = createHash('sha256').update(`${branch}\0${salt}`).digest('hex').slice(0, 6);
    const name = `${plain.slice(0, 63 - 7).replace(/-+$/, '')}-${hash}`;
    if (!taken(name)) return name;
  }
}

/** What app.json says for review apps: `environments.review` over the top level (env, formation, addons, scripts). */
export function reviewAppJson(appJson: unknown): Record<string, unknown> {
  const top = (appJson ?? {}) as Record<string, unknown>;
  const review = ((top.environments as Record<string, unknown> | undefined)?.review ?? {}) as Record<string, unknown>;
  const env = { ...(top.env as object | undefined), ...(review.env as object | undefined) };
  const scripts = { ...(top.scripts as object | undefined), ...(review.scripts as object | undefined) };
  return { ...top, ...review, env, scripts };
}

/** The text of a script app.json names for review apps (`postdeploy`, `pr-predestroy`). */
export function reviewScript(appJson: unknown, name: 'postdeploy' | 'pr-predestroy'): string | undefined {
  const value = (reviewAppJson(appJson).scripts as Record<string, unknown>)[name];
  return typeof value === 'string' && value.trim() ? value : undefined;
}

/**
 * A review app's config: the parent's, less its backing services' variables (a review app gets services of its own
 * from app.json addons, never the parent's data) and what app.json env marks `"inherit": false`, then app.json env
 * values (a string, or `{ "value": ... }`), then the review app's own names, as Heroku sets them.
 */
export function reviewConfig(
  parentConfig: Record<string, string>,
  serviceVars: readonly string[],
  appJson: unknown,
  names: { app: string; parent: string; branch: string },
): Record<string, string> {
  const env = reviewAppJson(appJson).env as Record<string, unknown>;
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(parentConfig)) {
    const entry = env[key] as { inherit?: unknown } | undefined;
    if (serviceVars.includes(key) || (typeof entry === 'object' && entry?.inherit === false)) continue;
    config[key] = value;
  }
  for (const [key, entry] of Object.entries(env)) {
    if (typeof entry === 'string') config[key] = entry;
    else if (typeof (entry as { value?: unknown } | null)?.value === 'string') config[key] = (entry as { value: string }).value;
  }
  return { ...config, HEROKU_APP_NAME: names.app, HEROKU_PARENT_APP_NAME: names.parent, HEROKU_BRANCH: names.branch };
}

/** reviewapps:enable's settings, checked. */
export function checkReviewSettings(body: unknown): { autodeploy: boolean; autodestroyDays: number | null } {
  const raw = (body ?? {}) as { autodeploy?: unknown; autodestroyDays?: unknown };
  const days = raw.autodestroyDays;
  if (days !== undefined && days !== null && (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 3650))
    throw new PaasError('PAAS_ERR_INVALID_INPUT', '--autodestroy takes a number of days from 1 to 3650');
  return { autodeploy: raw.autodeploy === true, autodestroyDays: typeof days === 'number' ? days : null };
}
