// `paas services:link` / `services:unlink`: the link is checked and made at once, then the config var is set (or
// unset) by a release queued behind the app's other jobs, as config:set does. A link whose release fails is undone;
// an unlink's service leaves the app's network only once the release without its URL serves.
import type { Services } from '../services.js';
import type { Caller } from '../auth/caller.js';
import { attachLink, linkToRemove, undoLink } from '../backing/service-links.js';
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
    exit = await submitConfig(services, app, { set: { [envVar]: url }, unset: [], restart: true }, write, signal);
  } finally {
    // A caller that went away leaves the queued release to run (it sets the var): the link stays with it.
    if (exit !== 0 && !signal.aborted) await undoLink(services, row, app);
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
  const exit = await submitConfig(services, app, { set: {}, unset: [envVar], restart: true }, write, signal);
  if (exit === 0) await undoLink(services, row, app);
  return exit;
}
