// Pure: the commands per process type (Procfile over a buildpack's defaults), and the formation from app.json.
import { PaasError } from '../errors.js';

/**
 * Commands per process type: the buildpack's defaults overridden by the Procfile (without `release`, which is
 * not a long-running process). A default `web` runs the image's own CMD (null), as does `web` for a Dockerfile
 * app without a Procfile. Throws when nothing would run.
 */
export function processCommands(procfile: Record<string, string> | undefined, defaults: Record<string, string> | 'dockerfile'): Record<string, string | null> {
  const base: Record<string, string | null> =
    defaults === 'dockerfile' ? { web: null } : Object.fromEntries(Object.keys(defaults).map((type) => [type, type === 'web' ? null : defaults[type]!]));
  const { release: _release, ...processes } = procfile ?? {};
  const commands = procfile && defaults === 'dockerfile' ? processes : { ...base, ...processes };
  delete commands.release;
  if (Object.keys(commands).length === 0) {
    throw new PaasError('PAAS_ERR_NO_PROCESSES', 'nothing to run: add a Procfile with a web process (web: <command>)');
  }
  return commands;
}

/** Replicas per process type: app.json `formation` where given, else as on Heroku: web=1, every other type 0. */
export function formationFor(commands: Record<string, string | null>, appJson: unknown): Record<string, number> {
  const declared = (appJson as { formation?: Record<string, { quantity?: unknown }> } | undefined)?.formation ?? {};
  const formation: Record<string, number> = {};
  for (const type of Object.keys(commands)) {
    const quantity = declared[type]?.quantity;
    if (quantity === undefined) formation[type] = type === 'web' ? 1 : 0;
    else if (typeof quantity === 'number' && Number.isInteger(quantity) && quantity >= 0 && quantity <= 100) formation[type] = quantity;
    else throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `app.json formation.${type}.quantity must be a whole number from 0 to 100`);
  }
  return formation;
}
