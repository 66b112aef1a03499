// Brings an app back to its active release's formation after containers died, stopped or turned unhealthy
// outside any swap (a crash, `docker kill`, OOM): a replica whose container no longer runs is replaced by a new
// one of the same release, checked like any other before it is routed; a running one that is not routed (Docker
// restarted it, perhaps at a new address) is checked and routed again. Only ever the active release: an old
// release is never mixed in. Runs on the app's deploy queue, so never alongside a deploy of the same app.
import type Docker from 'dockerode';
import type { Services } from '../services.js';
import { activeRelease, type ReleaseRow } from '../store/releases.js';
import { findApp } from '../store/apps.js';
import { containerIp, ensureAppNetwork, listAppContainers, removeContainer, setRestartPolicy } from '../docker/containers.js';
import { LABEL } from '../docker/names.js';
import type { LineSink } from '../log.js';
import { targetOf, type Target } from '../router/route-table.js';
import { containerSpec, isReplica } from './container-spec.js';
import { checkStarted, startProcess } from './check-started.js';
import { runtimeSettings } from './runtime-settings.js';

export interface HealStep {
  process: string;
  index: number;
  /** A running container of this replica, when there is one. */
  running?: Docker.ContainerInfo;
  /** Containers of this replica that no longer run: removed before a replacement starts. */
  dead: Docker.ContainerInfo[];
}

/** Pure: per replica of the formation, its running container (if any) and its dead ones. */
export function healPlan(release: Pick<ReleaseRow, 'version' | 'spec'>, containers: Docker.ContainerInfo[]): HealStep[] {
  const mine = containers.filter((c) => c.Labels[LABEL.release] === String(release.version) && isReplica(c.Labels));
  const steps: HealStep[] = [];
  for (const [process, replicas] of Object.entries(release.spec.formation)) {
    for (let index = 1; index <= replicas; index++) {
      const ofReplica = mine.filter((c) => c.Labels[LABEL.process] === process && c.Labels[LABEL.replica] === String(index));
      // One Docker is restarting (its restart policy) is left to Docker: its start event brings the heal back.
      if (ofReplica.some((c) => c.State === 'restarting')) continue;
      const running = ofReplica.find((c) => c.State === 'running');
      steps.push({ process, index, ...(running ? { running } : {}), dead: ofReplica.filter((c) => c.State !== 'running') });
    }
  }
  return steps;
}

/** Reconciles `app` with its active release's formation; resolves with how many replicas it replaced or re-routed. */
export async function healApp(services: Services, app: string, out: LineSink): Promise<number> {
  const { docker, config, routes } = services;
  if (!(await findApp(services.db, app)) || routes.isStopped(app)) return 0;
  const release = await activeRelease(services.db, app);
  if (!release) return 0;
  const { spec, version } = release;
  const routed = new Set(routes.targets(app).map((t) => t.id));
  // Most events (a swap's own starts and stops) leave nothing to do: then nothing else is read.
  const plan = healPlan(release, await listAppContainers(docker, app)).filter((s) => !s.running || (s.process === 'web' && !routed.has(s.running.Id)));
  if (plan.length === 0) return 0;
  let healed = 0;
  await ensureAppNetwork(docker, app, config.networkPool);
  const runtime = await runtimeSettings(services.db, app, config.defaultLimits);
  for (const step of plan) {
    let target: Target | undefined;
    if (step.running) {
      // Running but not routed: Docker restarted it. Route it once it answers, at its address now.
      const c = step.running;
      const started = { id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), ip: containerIp(app, c.NetworkSettings.Networks), process: step.process, index: step.index, startedAt: Date.now() };
      const failure = await checkStarted(services, started, spec, 0);
      if (!failure) target = targetOf(started, spec.port, version);
      else step.dead.push(c);
    }
    if (!target) {
      for (const dead of step.dead) await removeContainer(docker, dead.Id, 0);
      const options = containerSpec({ app, process: step.process, version, index: step.index, image: release.imageId, port: spec.port, command: spec.commands[step.process] ?? null, config: spec.config, ...runtime.of(step.process) });
      const started = await startProcess(services, options, step.process, step.index);
      const failure = await checkStarted(services, started, spec, config.checksUptimeSeconds);
      if (failure) {
        await removeContainer(docker, started.id, 0);
        out.error(`${step.process}.${step.index} of v${version} could not be replaced: ${failure}`);
        continue;
      }
      await setRestartPolicy(docker, started.id, { Name: 'unless-stopped' });
      out.detail(`${step.process}.${step.index} of v${version} replaced`);
      if (step.process === 'web') target = targetOf(started, spec.port, version);
    }
    if (target) {
      const fresh = target;
      routes.swap(app, [...routes.targets(app).filter((t) => t.id !== fresh.id && t.url !== fresh.url), fresh]);
    }
    healed++;
  }
  return healed;
}
