// Every kind of queued job, by name: a new kind is one module of this folder and one line here.
import type { JobKind } from './job.js';
import { ciJob, type CiJob } from './ci.js';
import { configJob, type ConfigJob } from './config.js';
import { deployJob, type DeployJob } from './deploy.js';
import { healJob, type HealJob } from './heal.js';
import { promoteJob, type PromoteJob } from './promote.js';
import { portsJob, type PortsJob } from './ports.js';
import { psJob, type PsJob } from './ps.js';
import { rollbackJob, type RollbackJob } from './rollback.js';
import { scaleJob, type ScaleJob } from './scale.js';

/** Any queued job, with who asked for it (a key's or token's name; none for the daemon's own healing). */
export type JobData = CiJob | ConfigJob | DeployJob | HealJob | PortsJob | PromoteJob | PsJob | RollbackJob | ScaleJob;

export const JOBS: { [K in JobData['kind']]: JobKind<Extract<JobData, { kind: K }>> } = {
  ci: ciJob,
  config: configJob,
  deploy: deployJob,
  heal: healJob,
  ports: portsJob,
  promote: promoteJob,
  ps: psJob,
  rollback: rollbackJob,
  scale: scaleJob,
};

export function jobKind<D extends JobData>(data: D): JobKind<D> {
  return JOBS[data.kind] as unknown as JobKind<D>;
}
