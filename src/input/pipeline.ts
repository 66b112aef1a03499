// Pure: pipeline names, stages, and what a promotion goes to, as on Heroku: development -> staging -> production.
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
