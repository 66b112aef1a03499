// ps:restart, ps:stop and ps:start of the active release, with no new release:
// restart replaces containers one at a time (start the new one, wait until healthy, route it in place of the old
// one, drain, stop the old one), so a web process with 1 replica never drops a request; stop unroutes, drains
// and stops every container (kept, to start again); start brings the formation back the way restart does.
import type Docker from 'dockerode';
import type { Services } from '../services.js';
import { activeRelease, type ReleaseRow } from '../store/releases.js';
import { containerIp, ensureAppNetwork, listAppContainers, removeContainer, renameContainer, setRestartPolicy, stopContainer } from '../docker/containers.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { suggestion } from '../suggest.js';
import { containerName, containerSpec, isOneOff } from './container-spec.js';
import { LABEL } from '../docker/names.js';
import { checkStarted, startProcess, unhealthyError } from './check-started.js';
import { runtimeSettings } from './runtime-settings.js';
import { releaseAgain } from './release-again.js';
import { targetOf } from '../router/route-table.js';
import { getApp } from '../store/apps.js';

export type PsAction = 'restart' | 'stop' | 'start';

async function requireActive(services: Services, app: string): Promise<ReleaseRow> {
  const active = await activeRelease(services.db, app);
  if (!active) throw new PaasError('PAAS_ERR_INVALID_INPUT', `app "${app}" has no release yet: deploy it first`);
  return active;
}

/** Pure: the replicas a restart goes through, in order, each with the container it replaces (if one exists). */
export function restartPlan(
  formation: Record<string, number>,
  containers: Docker.ContainerInfo[],
  version: number,
  app: string,
  only?: string,
): { process: string; index: number; old?: Docker.ContainerInfo }[] {
  const plan: { process: string; index: number; old?: Docker.ContainerInfo }[] = [];
  for (const [process, replicas] of Object.entries(formation)) {
    if (only !== undefined && process !== only) continue;
    for (let index = 1; index <= replicas; index++) {
      const old = containers.find((c) => c.Labels[LABEL.process] === process && c.Labels[LABEL.replica] === String(index));
      plan.push({ process, index, ...(old ? { old } : {}) });
    }
  }
  return plan;
}

/** Replaces the containers of the active release one by one (all types, or `only`). */
export async function restartProcesses(services: Services, app: string, only: string | undefined, out: LineSink, verb = 'Restarting'): Promise<void> {
  const { docker, config } = services;
  const active = await requireActive(services, app);
  const { spec, version } = active;
  if (only !== undefined && !(only in spec.formation)) {
    const close = suggestion(only, Object.keys(spec.formation));
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `no process type "${only}"${close ? `, did you mean "${close}"?` : ` (v${version} has: ${Object.keys(spec.formation).join(', ')})`}`);
  }
  const containers = (await listAppContainers(docker, app)).filter((c) => c.Labels['paas.release'] === String(version) && !isOneOff(c.Labels));
  const plan = restartPlan(spec.formation, containers, version, app, only);
  if (plan.length === 0) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${app} runs no containers${only ? ` of type ${only}` : ''} (scale it up with: paas ps:scale ${app} ${only ?? 'web'}=1)`);
  out.step(`${verb} ${plan.map((p) => `${p.process}.${p.index}`).join(', ')} of ${app} v${version}, one at a time`);
  await ensureAppNetwork(docker, app, config.networkPool);
  const runtime = await runtimeSettings(services.db, app, services.config.defaultLimits);
  for (const step of plan) {
    const name = containerName(app, step.process, version, step.index);
    const options = containerSpec({ app, process: step.process, version, index: step.index, image: active.imageId, port: spec.port, command: spec.commands[step.process] ?? null, config: spec.config, ...runtime.of(step.process) });
    const started = await startProcess(services, { ...options, name: `${name}-next` }, step.process, step.index);
    const failure = await checkStarted(services, started, spec, config.checksUptimeSeconds);
    if (failure) {
      const error = await unhealthyError(services, started, failure, out, 'the running container keeps serving');
      await removeContainer(docker, started.id, 0);
      throw error;
    }
    await setRestartPolicy(docker, started.id, { Name: 'unless-stopped' });
    if (step.process === 'web') {
      const oldIp = step.old ? containerIp(app, step.old.NetworkSettings.Networks) : undefined;
      const oldUrl = oldIp ? targetOf({ id: step.old!.Id, name, ip: oldIp }, spec.port, version).url : undefined;
      const fresh = targetOf({ ...started, name }, spec.port, version);
      services.routes.swap(app, [...services.routes.targets(app).filter((t) => t.url !== oldUrl), fresh]);
      if (oldUrl) await services.inflight.drain([oldUrl], config.drainTimeoutMs);
    }
    if (step.old) await removeContainer(docker, step.old.Id, config.stopGraceSeconds);
    await renameContainer(docker, started.id, name);
    out.detail(`${step.process}.${step.index} ${step.old ? 'replaced' : 'started'}`);
  }
  out.done(`${verb === 'Restarting' ? 'Restarted' : 'Started'} ${app}`);
}

/** Unroutes the app, lets in-flight requests finish, and stops (keeps) every container of the active release. */
export async function stopProcesses(services: Services, app: string, out: LineSink): Promise<void> {
  const active = await requireActive(services, app);
  const containers = (await listAppContainers(services.docker, app)).filter((c) => c.Labels['paas.release'] === String(active.version) && !isOneOff(c.Labels));
  const old = services.routes.swap(app, []);
  services.routes.markStopped(app);
  out.step(`Stopping ${containers.length} container${containers.length === 1 ? '' : 's'} of ${app} v${active.version}`);
  await services.inflight.drain(old.map((t) => t.url), services.config.drainTimeoutMs);
  await Promise.all(containers.map((c) => stopContainer(services.docker, c.Id, services.config.stopGraceSeconds)));
  out.done(`Stopped ${app}; start it again with: paas ps:start ${app}`);
}

export async function psAction(services: Services, app: string, action: PsAction, process: string | undefined, out: LineSink): Promise<void> {
  if (action === 'stop') return stopProcesses(services, app, out);
  // Config stored with --no-restart is applied by a restart, as on Dokku: a new release with it, through the swap.
  const active = await requireActive(services, app);
  const stored = (await getApp(services.db, app)).config;
  if (action === 'restart' && process === undefined && !sameConfig(stored, active.spec.config)) {
    const version = await releaseAgain(
      services,
      active,
      { spec: { ...active.spec, config: stored }, description: 'Restart with stored config', announce: (v) => `Restarting ${app} with its stored config as release v${v}` },
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
