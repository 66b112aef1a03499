// ps:restart, ps:stop and ps:start of the active release, with no new release, as plans through the one swap:
// restart replaces replicas one at a time (each new one started beside the one it replaces, checked, routed in
// its place, the old one drained and stopped), so a web process with 1 replica never drops a request; stop
// unroutes, drains and stops every replica (kept, to start again); start brings the formation back as restart does.
import type { ReleaseServices } from '../services.js';
import { activeRelease, type ReleaseRow } from '../store/releases.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { suggestion } from '../suggest.js';
import { runtimeSettings } from './runtime-settings.js';
import { releaseAgain } from './release-again.js';
import { restartPlan, stopPlan } from './swap-plan.js';
import { runSwap } from './swap.js';
import { swapPorts } from './swap-release.js';
import { getApp } from '../store/apps.js';

export type PsAction = 'restart' | 'stop' | 'start';

type PsServices = ReleaseServices;

async function requireActive(services: PsServices, app: string): Promise<ReleaseRow> {
  const active = await activeRelease(services.db, app);
  if (!active) throw new PaasError('PAAS_ERR_INVALID_INPUT', `app "${app}" has no release yet: deploy it first`);
  return active;
}

/** Replaces the replicas of the active release one by one (all types, or `only`). */
export async function restartProcesses(
  services: PsServices,
  app: string,
  only: string | undefined,
  out: LineSink,
  verb = 'Restarting',
  /** Only the replicas placed on this node (their new ones go where the scheduler puts them). */
  node?: string,
): Promise<void> {
  const { config } = services;
  const active = await requireActive(services, app);
  const { spec, version } = active;
  if (only !== undefined && !(only in spec.formation)) {
    const close = suggestion(only, Object.keys(spec.formation));
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `no process type "${only}"${close ? `, did you mean "${close}"?` : ` (v${version} has: ${Object.keys(spec.formation).join(', ')})`}`,
    );
  }
  const runtime = await runtimeSettings(services.db, app, config.defaultLimits);
  let plan = restartPlan(active, await services.scheduler.replicas(app), runtime.of, config.checksUptimeSeconds, only);
  if (node !== undefined) {
    plan = { ...plan, steps: plan.steps.filter((s) => s.old.some((r) => r.node === node)) };
    if (plan.steps.length === 0) return out.done(`${app} has no replica on that node`);
  }
  if (plan.steps.length === 0)
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `${app} runs no containers${only ? ` of type ${only}` : ''} (scale it up with: paas ps:scale ${app} ${only ?? 'web'}=1)`,
    );
  out.step(`${verb} ${plan.steps.map((s) => `${s.start[0]!.process}.${s.start[0]!.index}`).join(', ')} of ${app} v${version}, one at a time`);
  for (const step of plan.steps) {
    // One step at a time, so that each replica's line comes as it is done.
    await runSwap(swapPorts(services), { ...plan, steps: [step] }, out, { outcome: 'the running container keeps serving' });
    out.detail(`${step.start[0]!.process}.${step.start[0]!.index} ${step.old.length ? 'replaced' : 'started'}`);
  }
  out.done(`${verb === 'Restarting' ? 'Restarted' : verb === 'Moving' ? 'Moved' : 'Started'} ${app}`);
}

/** Unroutes the app, lets in-flight requests finish, and stops (keeps) every replica of the active release. */
export async function stopProcesses(services: PsServices, app: string, out: LineSink): Promise<void> {
  const active = await requireActive(services, app);
  const plan = stopPlan(active, await services.scheduler.replicas(app));
  const count = plan.steps[0]!.old.length;
  out.step(`Stopping ${count} container${count === 1 ? '' : 's'} of ${app} v${active.version}`);
  await runSwap(swapPorts(services), plan, out);
  out.done(`Stopped ${app}; start it again with: paas ps:start ${app}`);
}

export async function psAction(services: PsServices, app: string, action: PsAction, process: string | undefined, out: LineSink): Promise<void> {
  if (action === 'stop') return stopProcesses(services, app, out);
  // Config stored with --no-restart is applied by a restart, as on Dokku: a new release with it, through the swap.
  const active = await requireActive(services, app);
  const stored = (await getApp(services.db, app)).config;
  if (action === 'restart' && process === undefined && !sameConfig(stored, active.spec.config)) {
    const version = await releaseAgain(
      services,
      active,
      {
        spec: { ...active.spec, config: stored },
        description: 'Restart with stored config',
        announce: (v) => `Restarting ${app} with its stored config as release v${v}`,
      },
      out,
    );
    out.done(`Restarted ${app} as v${version}`);
    return;
  }
  return restartProcesses(services, app, process, out, action === 'start' ? 'Starting' : 'Restarting');
}

/** Pure: whether two configs hold the same names and values. */
export function sameConfig(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
