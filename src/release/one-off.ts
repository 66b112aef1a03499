// `paas run APP -- CMD`: a one-off container of the app's current release, with its config, volumes and network,
// attached to the caller's terminal and removed afterwards. Deploys leave it running.
import crypto from 'node:crypto';
import type Docker from 'dockerode';
import type { Services } from '../services.js';
import { activeRelease, type ReleaseRow } from '../store/releases.js';
import { PaasError } from '../errors.js';
import { ensureAppNetwork } from '../docker/containers.js';
import { LABEL, oneOffName } from '../docker/names.js';
import { runAttached, type Attached, type AttachedIo } from '../docker/attach.js';
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

/** Pure: the create options of a one-off container of `release`, named paas.<app>.run-<n> and labelled one-off. */
export function oneOffSpec(
  release: ReleaseRow,
  command: string[],
  replica: number,
  runtime: Parameters<typeof runtimeHostConfig>[1],
  tty = false,
  driver: 'bridge' | 'overlay' = 'bridge',
): Docker.ContainerCreateOptions {
  const env = Object.entries(release.spec.config).map(([key, value]) => `${key}=${value}`);
  return {
    name: oneOffName(release.app, String(replica)),
    Image: release.imageId,
    Cmd: command,
    // Heroku's dyno metadata for a one-off: DYNO=run.N.
    Env: [
      ...env,
      `PORT=${release.spec.port}`,
      `DYNO=run.${replica}`,
      `PAAS_APP_NAME=${release.app}`,
      `PAAS_RELEASE_VERSION=v${release.version}`,
      `PAAS_SLUG_COMMIT=${release.sha}`,
    ],
    Labels: {
      [LABEL.app]: release.app,
      [LABEL.release]: String(release.version),
      [LABEL.process]: 'run',
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
