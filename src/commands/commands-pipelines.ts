// CLI commands for pipelines (Heroku's): apps in stages, and promotion of the image one stage runs to the next.
import type { Command } from 'commander';
import type { PipelineRow } from '../store/pipelines.js';
import type { PipelineInfo } from '../release/pipeline-view.js';
import type { ReviewAppRow } from '../store/review-apps.js';
import { STEP } from '../log.js';
import { appPath, printList, streamToOut, type CliIo } from './io.js';

const pipelinePath = (name: string) => `/pipelines/${encodeURIComponent(name)}`;
const reviewPath = (pipeline: string) => `${pipelinePath(pipeline)}/review-apps`;

function days(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : Number.NaN;
}

export function registerPipelineCommands(program: Command, io: CliIo): void {
  program
    .command('pipelines')
    .description('list the pipelines, with the apps of each stage')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const pipelines = await io.client().call<PipelineRow[]>('GET', '/pipelines');
      printList(io, pipelines, opts.json, ['PIPELINE', 'DEVELOPMENT', 'STAGING', 'PRODUCTION'], (p) => [
        p.name,
        ...(['development', 'staging', 'production'] as const).map((stage) =>
          p.apps
            .filter((a) => a.stage === stage)
            .map((a) => a.app)
            .join(', '),
        ),
      ]);
    });

  program
    .command('pipelines:create <name>')
    .description('create a pipeline (then: paas pipelines:add APP --pipeline NAME --stage staging)')
    .option('--app <app>', 'also add this app to it')
    .option('-s, --stage <stage>', 'the stage of --app: development, staging or production (default: guessed from its name)')
    .action(async (name: string, opts: { app?: string; stage?: string }) => {
      await io.client().call('POST', '/pipelines', { name });
      io.out(`${STEP}Created pipeline ${name}\n`);
      if (opts.app) {
        const added = await io.client().call<{ app: string; stage: string }>('PUT', appPath(opts.app, '/pipeline'), { pipeline: name, stage: opts.stage });
        io.out(`${STEP}Added ${added.app} to ${name} as ${added.stage}\n`);
      }
    });

  program
    .command('pipelines:add <app> [pipeline]')
    .description("add APP to a pipeline at a stage (Heroku's form works too: pipelines:add PIPELINE -a APP -s STAGE)")
    .option('-p, --pipeline <name>', 'the pipeline')
    .option('-s, --stage <stage>', 'development, staging or production (default: guessed from the app name: -staging, -prod, -dev)')
    .action(async (app: string, pipeline: string | undefined, opts: { pipeline?: string; stage?: string }) => {
      const added = await io.client().call<{ app: string; pipeline: string; stage: string }>('PUT', appPath(app, '/pipeline'), {
        pipeline: opts.pipeline ?? pipeline,
        stage: opts.stage,
      });
      io.out(`${STEP}Added ${added.app} to ${added.pipeline} as ${added.stage}\n`);
    });

  program
    .command('pipelines:info <name>')
    .description('the stages of a pipeline: each app with the release it runs and its commit')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const info = await io.client().call<PipelineInfo>('GET', pipelinePath(name));
      const rows = info.stages.flatMap((s) => s.apps);
      printList(io, rows, opts.json, ['STAGE', 'APP', 'RELEASE', 'COMMIT', 'DESCRIPTION', 'URL'], (a) => [
        a.stage,
        a.app,
        a.release ? `v${a.release.version}` : '(none)',
        a.release?.sha.slice(0, 7),
        a.release?.description,
        a.url,
      ]);
    });

  program
    .command('pipelines:remove <app>')
    .description('take APP out of its pipeline (the app stays as it is)')
    .action(async (app: string) => {
      const removed = await io.client().call<{ app: string; pipeline: string }>('DELETE', appPath(app, '/pipeline'));
      io.out(`${STEP}Removed ${removed.app} from ${removed.pipeline}\n`);
    });

  program
    .command('pipelines:destroy <name>')
    .description('remove a pipeline; its apps stay, in no pipeline')
    .action(async (name: string) => {
      const { apps } = await io.client().call<{ apps: string[] }>('DELETE', pipelinePath(name));
      io.out(`${STEP}Destroyed pipeline ${name}${apps.length ? ` (${apps.join(', ')} stay, in no pipeline)` : ''}\n`);
    });

  program
    .command('pipelines:promote <app>')
    .description("deploy the image APP runs to the next stage's apps (or --to), with their own config: no build; its commit must have passed CI")
    .option('-t, --to <apps>', 'the apps to promote to, comma-separated (default: every app of the next stage)')
    .option('--force', 'promote a commit with no passing CI run')
    .action(async (app: string, opts: { to?: string; force?: boolean }) => {
      const to = opts.to
        ?.split(',')
        .map((a) => a.trim())
        .filter(Boolean);
      await streamToOut(io, appPath(app, '/promote'), { ...(to ? { to } : {}), ...(opts.force ? { force: true } : {}) });
    });

  program
    .command('reviewapps')
    .description("a pipeline's review apps: each with its branch, commit, state and URL")
    .requiredOption('-p, --pipeline <name>', 'the pipeline')
    .option('--json', 'print JSON')
    .action(async (opts: { pipeline: string; json?: boolean }) => {
      const rows = await io.client().call<(ReviewAppRow & { url: string; state: string })[]>('GET', reviewPath(opts.pipeline));
      printList(io, rows, opts.json, ['APP', 'BRANCH', 'COMMIT', 'STATE', 'URL', 'DEPLOYED'], (r) => [
        r.app,
        r.branch,
        r.sha?.slice(0, 7),
        r.state,
        r.url,
        r.deployedAt,
      ]);
    });

  program
    .command('reviewapps:enable')
    .description("make review apps of the pipeline's staging app: on request (reviewapps:create), or with --autodeploy for every pushed branch whose CI passes")
    .requiredOption('-p, --pipeline <name>', 'the pipeline')
    .option('--autodeploy', 'deploy every branch pushed to the staging app, once its CI passes, to a review app of its own')
    .option('--autodestroy <days>', 'remove a review app after this many days without a deploy')
    .action(async (opts: { pipeline: string; autodeploy?: boolean; autodestroy?: string }) => {
      const autodestroyDays = days(opts.autodestroy);
      const result = await io.client().call<{ autodeploy: boolean; autodestroyDays: number | null }>('PUT', reviewPath(opts.pipeline), {
        autodeploy: opts.autodeploy === true,
        ...(autodestroyDays === undefined ? {} : { autodestroyDays }),
      });
      const how = result.autodeploy ? 'for every pushed branch whose CI passes' : 'on request (paas reviewapps:create)';
      io.out(
        `${STEP}Review apps on for ${opts.pipeline}, ${how}${result.autodestroyDays ? `; removed after ${result.autodestroyDays} days without a deploy` : ''}\n`,
      );
    });

  program
    .command('reviewapps:disable')
    .description('make no more review apps for the pipeline (the existing ones stay until destroyed)')
    .requiredOption('-p, --pipeline <name>', 'the pipeline')
    .action(async (opts: { pipeline: string }) => {
      const { left } = await io.client().call<{ left: string[] }>('DELETE', reviewPath(opts.pipeline));
      io.out(`${STEP}Review apps off for ${opts.pipeline}${left.length ? ` (${left.join(', ')} stay: paas reviewapps:destroy APP)` : ''}\n`);
    });

  program
    .command('reviewapps:create')
    .description("deploy a pushed branch of the pipeline's staging app to a review app of its own")
    .requiredOption('-p, --pipeline <name>', 'the pipeline')
    .requiredOption('-b, --branch <branch>', 'the branch')
    .action(async (opts: { pipeline: string; branch: string }) => {
      await streamToOut(io, reviewPath(opts.pipeline), { branch: opts.branch });
    });

  program
    .command('reviewapps:destroy <app>')
    .description('remove a review app and everything it had: containers, images, routes, certificates, its services and their backups')
    .action(async (app: string) => {
      await streamToOut(io, `/review-apps/${encodeURIComponent(app)}/destroy`, {});
    });
}
