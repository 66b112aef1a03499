// pipelines, pipelines:create|info|add|remove|destroy|promote (Heroku pipelines): apps in stages, and promotion of
// the image a stage runs to the next. A collaborator sees the apps of a pipeline it may use, and promotes only to
// apps it may use.
import type { Caller } from '../auth/caller.js';
import { mayUseApp } from '../auth/caller.js';
import { PaasError } from '../errors.js';
import { Streamed, type Route } from './dispatch.js';
import { getApp } from '../store/apps.js';
import { pipelineInfo } from '../release/pipeline-view.js';
import { addPipelineApp, deletePipeline, getPipeline, insertPipeline, listPipelines, removePipelineApp, type PipelineRow } from '../store/pipelines.js';
import { checkPipelineName, checkStage } from '../input/pipeline.js';
import { APP_NAME, unanchored } from '../input/patterns.js';
import { checkPromoteRequest, planPromotion, submitPromotion } from '../jobs/promote.js';
import { field } from './route-helpers.js';

const NAME = unanchored(APP_NAME);

/** A pipeline as the caller may see it: only the apps it may use. */
function visible(caller: Caller, pipeline: PipelineRow): PipelineRow {
  return { ...pipeline, apps: pipeline.apps.filter((a) => mayUseApp(caller, a.app)) };
}

export const PIPELINE_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/pipelines$/,
    scope: 'any',
    handler: async (c) => (await listPipelines(c.services.db)).map((p) => visible(c.caller, p)).filter((p) => c.caller.kind === 'admin' || p.apps.length > 0),
  },
  {
    method: 'POST',
    pattern: /^\/pipelines$/,
    scope: 'any',
    audit: (c) => `pipelines:create ${String(field(c.body, 'name') ?? '')}`,
    handler: async (c) => {
      const name = checkPipelineName(field(c.body, 'name'));
      await insertPipeline(c.services.db, name);
      return { name };
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/pipelines/(${NAME})$`),
    scope: 'any',
    handler: async (c) => {
      const pipeline = visible(c.caller, await getPipeline(c.services.db, c.params[0]!));
      if (c.caller.kind !== 'admin' && !pipeline.apps.length)
        throw new PaasError('PAAS_ERR_PIPELINE_NOT_FOUND', `no pipeline "${c.params[0]!}" (see: paas pipelines)`);
      return pipelineInfo(c.services, pipeline);
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/pipelines/(${NAME})$`),
    scope: 'any',
    audit: (c) => `pipelines:destroy ${c.params[0] ?? ''}`,
    handler: async (c) => {
      const pipeline = await getPipeline(c.services.db, c.params[0]!);
      const others = pipeline.apps.filter((a) => !mayUseApp(c.caller, a.app)).length;
      if (others || (c.caller.kind !== 'admin' && !pipeline.apps.length))
        throw new PaasError('PAAS_ERR_PERMISSION_DENIED', `permission denied: pipeline "${pipeline.name}" has apps you may not use; an admin may destroy it`);
      await deletePipeline(c.services.db, pipeline.name);
      return { name: pipeline.name, apps: pipeline.apps.map((a) => a.app) };
    },
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/apps/(${NAME})/pipeline$`),
    scope: 'app',
    audit: (c) => `pipelines:add ${c.params[0] ?? ''} ${String(field(c.body, 'pipeline') ?? '')}`,
    handler: async (c) => {
      const app = (await getApp(c.services.db, c.params[0]!)).name;
      const pipeline = checkPipelineName(field(c.body, 'pipeline'));
      const stage = checkStage(field(c.body, 'stage'), app);
      await addPipelineApp(c.services.db, { app, pipeline, stage });
      return { app, pipeline, stage };
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/apps/(${NAME})/pipeline$`),
    scope: 'app',
    audit: (c) => `pipelines:remove ${c.params[0] ?? ''}`,
    handler: async (c) => removePipelineApp(c.services.db, (await getApp(c.services.db, c.params[0]!)).name),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/apps/(${NAME})/promote$`),
    scope: 'app',
    audit: (c) => {
      const to = field(c.body, 'to');
      return `promote ${c.params[0] ?? ''}${Array.isArray(to) ? ` --to ${to.map(String).join(',')}` : ''}${field(c.body, 'force') === true ? ' --force' : ''}`;
    },
    handler: async (c) => {
      const app = (await getApp(c.services.db, c.params[0]!)).name;
      const promotion = await planPromotion(c.services, c.caller, app, checkPromoteRequest(c.body));
      return new Streamed((write, signal) => submitPromotion(c.services, promotion, write, signal));
    },
  },
];
