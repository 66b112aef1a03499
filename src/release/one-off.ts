// `paas run APP -- CMD`: a one-off container of the app's current release, with its config, volumes and network,
// attached to the caller's terminal and removed afterwards. Deploys leave it running.
import crypto from 'node:crypto';
import type Docker from 'dockerode';
import type { Services } from '../services.js';
import { activeRelease, type ReleaseRow } from '../store/releases.js';
import { PaasError } from '../errors.js';
import { ensureAppNetwork, listAppContainers, removeContainer } from '../docker/containers.js';
import { replicaOutput, sourceOf } from '../docker/logs.js';
import { HISTORY_LINES } from '../store/log-history.js';
import { LABEL, oneOffName } from '../docker/names.js';
import { execAttached, runAttached, type Attached, type AttachedIo } from '../docker/attach.js';
import { runtimeHostConfig } from '../docker/container-spec.js';
import { runtimeSettings } from './runtime-settings.js';

const MAX_ARGS = 1000;

/** Pure: checks the command (exec form: no shell unless the user names one, e.g. sh -c '...'). */
export function checkRunCommand(command: unknown): string[] {
  if (!Array.isArray(command) || command.length === 0 || command.length > MAX_ARGS || command.some((a) => typeof a !== 'string' || a.includes('\0'))) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'give a command to run: paas run APP -- CMD [ARGS...]');
  }
  return command as string[];
}

/** Pure: the create options of a one-off container of `release`, named paas.<app>.run-<n> (cron-<n>) and labelled one-off. */
export function oneOffSpec(
  release: ReleaseRow,
  command: string[],
  replica: number,
  runtime: Parameters<typeof runtimeHostConfig>[1],
  tty = false,
  driver: 'bridge' | 'overlay' = 'bridge',
  process: 'run' | 'cron' = 'run',
): Docker.ContainerCreateOptions {
  const env = Object.entries(release.spec.config).map(([key, value]) => `${key}=${value}`);
  return {
    name: oneOffName(release.app, String(replica), process),
    Image: release.imageId,
    Cmd: command,
    // Heroku's dyno metadata for a one-off: DYNO=run.N.
    Env: [
      ...env,
      `PORT=${release.spec.port}`,
      `DYNO=${process}.${replica}`,
      `PAAS_APP_NAME=${release.app}`,
      `PAAS_RELEASE_VERSION=v${release.version}`,
      `PAAS_SLUG_COMMIT=${release.sha}`,
    ],
    Labels: {
      [LABEL.app]: release.app,
      [LABEL.release]: String(release.version),
      [LABEL.process]: process,
      [LABEL.replica]: String(replica),
      [LABEL.oneOff]: 'true',
      [LABEL.tty]: String(tty),
    },
    HostConfig: { AutoRemove: false, ...runtimeHostConfig(release.app, runtime, driver) },
  };
}

/** Starts the one-off container; the caller pipes its terminal through the returned handle. */
export async function startOneOff(services: Pick<Services, 'config' | 'db' | 'docker'>, app: string, command: string[], io: AttachedIo): Promise<Attached> {
  const release = await activeRelease(services.db, app);
  if (!release) throw new PaasError('PAAS_ERR_INVALID_INPUT', `app "${app}" has no release to run yet: deploy it first`);
  const runtime = (await runtimeSettings(services.db, app, services.config.defaultLimits)).of('run');
  const replica = crypto.randomInt(1e9);
  await ensureAppNetwork(services.docker, app, services.config.appNetworks);
  return runAttached(services.docker, oneOffSpec(release, command, replica, runtime, io.tty, services.config.appNetworks.driver), io);
}

/**
 * `paas run:detached APP -- CMD`: a one-off of the current release that runs in the background, its output in
 * `paas logs` as app[run.N] while it runs and in the app's log history after; it is listed by `ps` and stopped
 * with `ps:kill run.N`. Once it exits its output is kept and the container removed. Resolves with its dyno name.
 */
export async function startDetached(
  services: Pick<Services, 'config' | 'db' | 'docker'>,
  app: string,
  command: string[],
  keep: (app: string, lines: string[]) => void,
): Promise<{ dyno: string }> {
  const release = await activeRelease(services.db, app);
  if (!release) throw new PaasError('PAAS_ERR_INVALID_INPUT', `app "${app}" has no release to run yet: deploy it first`);
  const runtime = (await runtimeSettings(services.db, app, services.config.defaultLimits)).of('run');
  const replica = crypto.randomInt(1e9);
  await ensureAppNetwork(services.docker, app, services.config.appNetworks);
  const spec = oneOffSpec(release, command, replica, runtime, false, services.config.appNetworks.driver);
  const container = await services.docker.createContainer(spec);
  await container.start();
  void container
    .wait()
    .then(async () => {
      const kept = await replicaOutput(services.docker, container.id, HISTORY_LINES).catch(() => undefined);
      if (kept) keep(kept.app, kept.lines);
      await removeContainer(services.docker, container.id, 0);
    })
    .catch(() => undefined);
  return { dyno: `run.${replica}` };
}

/** Pure: a dyno name as `ps:kill` takes it (web.1, run.1234), or a process type (web: all of its replicas). */
export function parseDyno(text: string): { process: string; replica?: number } {
  const match = /^([a-z0-9][a-z0-9_-]{0,29})(?:\.(\d{1,10}))?$/.exec(text);
  if (!match)
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `expected a dyno such as web.1 or run.1234, or a process type, got ${JSON.stringify(text.slice(0, 40))}`);
  return { process: match[1]!, ...(match[2] ? { replica: Number(match[2]) } : {}) };
}

/** A dyno name as `ps:exec --dyno` takes it (web.1; a bare type means its first replica), checked. */
export function parseDynoName(text: unknown): string {
  const dyno = parseDyno(typeof text === 'string' ? text : '');
  return `${dyno.process}.${dyno.replica ?? 1}`;
}

/**
 * `paas ps:exec APP --dyno web.1 -- CMD` (Heroku's ps:exec, Dokku's enter): CMD inside the running replica, attached
 * like `paas run`. The replica of the active release when a swap runs two of the same name; one on this engine
 * (under Swarm, a replica on another node is named with where it runs).
 */
export async function execInReplica(
  services: Pick<Services, 'db' | 'docker' | 'scheduler'>,
  app: string,
  dyno: string,
  command: string[],
  io: AttachedIo,
): Promise<Attached> {
  const wanted = parseDyno(dyno);
  const active = await activeRelease(services.db, app);
  const running = (await listAppContainers(services.docker, app)).filter(
    (c) => c.State === 'running' && c.Labels[LABEL.process] === wanted.process && c.Labels[LABEL.replica] === String(wanted.replica ?? 1),
  );
  const found = running.find((c) => c.Labels[LABEL.release] === String(active?.version)) ?? running.sort((a, b) => b.Created - a.Created)[0];
  if (!found) {
    const elsewhere = (await services.scheduler.replicas(app)).find((r) => r.process === wanted.process && r.index === (wanted.replica ?? 1));
    throw new PaasError(
      'PAAS_ERR_NOT_FOUND',
      elsewhere
        ? `${dyno} of ${app} runs on another node: ps:exec reaches replicas on this host only (paas run ${app} -- CMD runs a one-off here)`
        : `no running dyno ${dyno} of ${app} (see: paas ps ${app})`,
    );
  }
  return execAttached(services.docker, found.Id, command, io);
}

/**
 * `paas ps:kill DYNO`: stops a one-off (run.N) for good, or a replica of the formation (web.1, or every web), which
 * healing then replaces as it replaces any replica that died (Heroku's ps:kill / ps:stop of a dyno). Resolves with
 * the dynos stopped.
 */
export async function killDynos(services: Pick<Services, 'docker'>, app: string, dyno: string, graceSeconds: number): Promise<string[]> {
  const wanted = parseDyno(dyno);
  const found = (await listAppContainers(services.docker, app)).filter(
    (c) =>
      c.State === 'running' &&
      c.Labels[LABEL.process] === wanted.process &&
      (wanted.replica === undefined || c.Labels[LABEL.replica] === String(wanted.replica)) &&
      c.Labels[LABEL.tty] !== 'true',
  );
  if (found.length === 0) throw new PaasError('PAAS_ERR_NOT_FOUND', `no running dyno ${dyno} of ${app} (see: paas ps ${app})`);
  await Promise.all(
    found.map((c) =>
      c.Labels[LABEL.oneOff] === 'true'
        ? services.docker
            .getContainer(c.Id)
            .stop({ t: graceSeconds })
            .catch(() => undefined)
        : removeContainer(services.docker, c.Id, graceSeconds),
    ),
  );
  return found.map((c) => sourceOf(c.Labels));
}
