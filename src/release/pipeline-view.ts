// pipelines:info as the CLI and the dashboard show it: each stage's apps, with the release each runs and its commit.
import type { Services } from '../services.js';
import { activeRelease } from '../store/releases.js';
import { STAGES, type Stage } from '../input/pipeline.js';
import type { PipelineRow } from '../store/pipelines.js';
import { appUrl } from '../config.js';

export interface PipelineStageApp {
  app: string;
  stage: Stage;
  url: string;
  release: { version: number; sha: string; description: string; createdAt: string } | null;
}

export interface PipelineInfo {
  name: string;
  createdAt: string;
  stages: { stage: Stage; apps: PipelineStageApp[] }[];
}

export async function pipelineInfo(services: Pick<Services, 'config' | 'db'>, pipeline: PipelineRow): Promise<PipelineInfo> {
  const apps = await Promise.all(
    pipeline.apps.map(async (a): Promise<PipelineStageApp> => {
      const release = await activeRelease(services.db, a.app);
      return {
        app: a.app,
        stage: a.stage,
        url: appUrl(services.config, a.app),
        release: release ? { version: release.version, sha: release.sha, description: release.description, createdAt: release.createdAt } : null,
      };
    }),
  );
  return { name: pipeline.name, createdAt: pipeline.createdAt, stages: STAGES.map((stage) => ({ stage, apps: apps.filter((a) => a.stage === stage) })) };
}
