// The pipelines and pipeline_apps tables: named pipelines, and each app's stage in at most one of them.
import type { Db } from './db.js';
import { now } from './db.js';
import { PaasError } from '../errors.js';
import type { Stage } from '../input/pipeline.js';

export interface PipelineApp {
  app: string;
  pipeline: string;
  stage: Stage;
}

/** A pipeline's review apps: off, made on request (reviewapps:create), or for every branch whose CI passes. */
export interface ReviewSettings {
  enabled: boolean;
  autodeploy: boolean;
  /** Destroyed after this many days without a deploy (null: never). */
  autodestroyDays: number | null;
}

export interface PipelineRow {
  name: string;
  createdAt: string;
  apps: PipelineApp[];
  review: ReviewSettings;
}

const fromAppRow = (row: Record<string, unknown>): PipelineApp => ({ app: String(row.app), pipeline: String(row.pipeline), stage: String(row.stage) as Stage });

export async function insertPipeline(db: Db, name: string): Promise<void> {
  try {
    await db('pipelines').insert({ name, created_at: now() });
  } catch (err) {
    if (/UNIQUE|duplicate key/i.test(String((err as Error).message))) throw new PaasError('PAAS_ERR_PIPELINE_EXISTS', `pipeline "${name}" already exists`);
    throw err;
  }
}

export async function listPipelines(db: Db): Promise<PipelineRow[]> {
  const [pipelines, apps] = await Promise.all([db('pipelines').orderBy('name'), db('pipeline_apps').orderBy('app')]);
  return pipelines.map((p: Record<string, unknown>) => ({
    name: String(p.name),
    createdAt: new Date(p.created_at as string).toISOString(),
    review: {
      enabled: Boolean(p.review_apps),
      autodeploy: Boolean(p.review_autodeploy),
      autodestroyDays: p.review_autodestroy_days == null ? null : Number(p.review_autodestroy_days),
    },
    apps: apps.filter((a: Record<string, unknown>) => a.pipeline === p.name).map(fromAppRow),
  }));
}

export async function getPipeline(db: Db, name: string): Promise<PipelineRow> {
  const found = (await listPipelines(db)).find((p) => p.name === name);
  if (!found) throw new PaasError('PAAS_ERR_PIPELINE_NOT_FOUND', `no pipeline "${name}" (see: paas pipelines)`);
  return found;
}

/** The pipeline and stage `app` is in, if any. */
export async function pipelineOf(db: Db, app: string): Promise<PipelineApp | undefined> {
  const row = await db('pipeline_apps').where({ app }).first();
  return row ? fromAppRow(row) : undefined;
}

/** Puts `app` in `pipeline` at `stage`; an app already in a pipeline must be removed from it first. */
export async function addPipelineApp(db: Db, entry: PipelineApp): Promise<void> {
  await db.transaction(async (trx) => {
    const current = await trx('pipeline_apps').where({ app: entry.app }).first();
    if (current)
      throw new PaasError(
        'PAAS_ERR_INVALID_INPUT',
        `app "${entry.app}" is in pipeline "${String(current.pipeline)}" already (${String(current.stage)}): remove it first with paas pipelines:remove ${entry.app}`,
      );
    if (!(await trx('pipelines').where({ name: entry.pipeline }).first()))
      throw new PaasError('PAAS_ERR_PIPELINE_NOT_FOUND', `no pipeline "${entry.pipeline}": create it with paas pipelines:create ${entry.pipeline}`);
    await trx('pipeline_apps').insert({ ...entry, added_at: now() });
  });
}

export async function removePipelineApp(db: Db, app: string): Promise<PipelineApp> {
  const current = await pipelineOf(db, app);
  if (!current) throw new PaasError('PAAS_ERR_PIPELINE_NOT_FOUND', `app "${app}" is in no pipeline`);
  await db('pipeline_apps').where({ app }).delete();
  return current;
}

/** Removes the pipeline; its apps stay, out of any pipeline. */
export async function deletePipeline(db: Db, name: string): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('pipeline_apps').where({ pipeline: name }).delete();
    await trx('pipelines').where({ name }).delete();
  });
}

export async function setReviewSettings(db: Db, pipeline: string, settings: ReviewSettings): Promise<void> {
  await db('pipelines')
    .where({ name: pipeline })
    .update({ review_apps: settings.enabled, review_autodeploy: settings.autodeploy, review_autodestroy_days: settings.autodestroyDays });
}
