// `paas services:link` / `services:unlink`: the link is checked and the service joins the app's network at once,
// then the config var is set (or unset) by a release queued behind the app's other jobs, as config:set does; the
// link's record is written or deleted in the transaction that records that release, so a kill at any point leaves
// a link on record exactly when its variable is in the app's config. A link whose release fails leaves the app's
// network again; an unlink's service leaves it once the release without its URL serves.
import type { Services } from '../services.js';
import type { Caller } from '../auth/caller.js';
import { attachLink, leaveAppNetwork, linkToRemove } from '../backing/service-links.js';
import { STEP } from '../log.js';
import { submitConfig } from './config.js';

type Deps = Pick<Services, 'ciQueues' | 'config' | 'db' | 'docker' | 'queues' | 'redis' | 'redisTarget'>;

export async function submitLink(
  services: Deps,
  caller: Caller,
  app: string,
  name: string,
  as: string | undefined,
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  const { row, envVar, url } = await attachLink(services, caller, app, name, as, write);
  write(`${STEP}Linking ${row.name} to ${app} as ${envVar}`);
  let exit = 1;
  try {
    exit = await submitConfig(services, app, { set: { [envVar]: url }, unset: [], restart: true, link: { service: row.name, envVar } }, write, signal);
  } finally {
    // A caller that went away leaves the queued release to run (it sets the var and records the link).
    if (exit !== 0 && !signal.aborted) await leaveAppNetwork(services, row, app);
  }
  return exit;
}

export async function submitUnlink(
  services: Deps,
  caller: Caller,
  app: string,
  name: string,
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  const { row, envVar } = await linkToRemove(services, caller, app, name);
  write(`${STEP}Unlinking ${row.name} from ${app} (${envVar})`);
  const exit = await submitConfig(services, app, { set: {}, unset: [envVar], restart: true, link: { service: row.name, envVar, remove: true } }, write, signal);
  if (exit === 0) await leaveAppNetwork(services, row, app);
  return exit;
}
