// A config change: stored for the next release, and (unless staged) rolled out at once as a new release with the
// same image and the new config, through the same swap as deploys and rollbacks.
import type { ReleaseServices } from '../services.js';
import { getApp, setAppConfig } from '../store/apps.js';
import { deleteLink, insertLink } from '../store/backing-services.js';
import type { Db } from '../store/db.js';
import { activeRelease } from '../store/releases.js';
import { appUrl } from '../config.js';
import type { LineSink } from '../log.js';
import { applyConfigChange } from '../input/config-vars.js';
import { releaseAgain } from './release-again.js';
import { choosePort } from './app-port.js';
import { exposedTcpPorts, findImage } from '../docker/images.js';
import type { PortMapping } from '../input/ports.js';

export interface ConfigChange {
  set: Record<string, string>;
  unset: string[];
  /** false: store it for the next deploy only (config:set --no-restart). */
  restart: boolean;
  /**
   * services:link / unlink: the link's record is written (or deleted) with the config, in the transaction that
   * records the release, so that a link exists exactly when its variable is in the config, whatever ends when.
   */
  link?: { service: string; envVar: string; remove?: boolean };
}

/** The config and, with it, a link's record (see ConfigChange.link). */
async function recordConfig(db: Db, app: string, config: Record<string, string>, link: ConfigChange['link']): Promise<void> {
  await setAppConfig(db, app, config);
  if (link?.remove) await deleteLink(db, link.service, app);
  else if (link) await insertLink(db, { service: link.service, app, envVar: link.envVar });
}

/** The port of a release of `imageId` with this config and these mappings (see app-port.ts). */
export async function portFor(
  services: Pick<ReleaseServices, 'docker'>,
  app: string,
  ports: PortMapping[] | null,
  config: Record<string, string>,
  imageId: string,
): Promise<number> {
  const image = await findImage(services.docker, imageId);
  return choosePort({ ports, config, exposed: exposedTcpPorts(image ?? {}) }).port;
}

/** Pure: a config release's description as Heroku writes it: `Set A, B config vars`, `Remove C config var`. */
export function configDescription(set: string[], removed: string[]): string {
  const part = (verb: string, keys: string[]) => (keys.length ? [`${verb} ${keys.join(', ')} config var${keys.length === 1 ? '' : 's'}`] : []);
  return [...part('Set', set), ...part('Remove', removed)].join('; ');
}

export async function changeConfig(services: ReleaseServices, app: string, change: ConfigChange, out: LineSink): Promise<void> {
  const row = await getApp(services.db, app);
  const absent = change.unset.filter((key) => !(key in row.config));
  if (Object.keys(change.set).length === 0 && absent.length === change.unset.length) {
    if (change.link) await services.db.transaction((trx) => recordConfig(trx, app, row.config, change.link));
    out.step(`${absent.join(', ')} ${absent.length === 1 ? 'is' : 'are'} not set; nothing changed`);
    return;
  }
  const config = applyConfigChange(row.config, change.set, change.unset);
  const what = [...Object.keys(change.set), ...change.unset.filter((k) => !absent.includes(k)).map((k) => `-${k}`)].join(', ');
  const active = await activeRelease(services.db, app);
  if (!change.restart || !active) {
    await services.db.transaction((trx) => recordConfig(trx, app, config, change.link));
    out.step(`Config stored (${what}); ${active ? 'it takes effect with the next deploy or ps:restart' : 'the first deploy will use it'}`);
    return;
  }
  // A PORT set or unset moves the port the processes get and the router targets (unless ports:set decides it).
  const port = 'PORT' in change.set || change.unset.includes('PORT') ? await portFor(services, app, row.ports, config, active.imageId) : active.spec.port;
  if (port !== active.spec.port) out.step(`The web process listens on port ${port} from this release on`);
  // Stored only once its release serves: a change whose release fails leaves the config as it was.
  const version = await releaseAgain(
    services,
    active,
    {
      spec: { ...active.spec, config, port },
      description: configDescription(
        Object.keys(change.set),
        change.unset.filter((k) => !absent.includes(k)),
      ),
      announce: (v) => `Setting config (${what}) as release v${v}`,
    },
    out,
    { alsoRecord: (trx) => recordConfig(trx, app, config, change.link) },
  );
  out.done(`Config set; v${version} serves ${appUrl(services.config, app)}`);
}
