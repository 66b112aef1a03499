// Pure: process types from a Procfile, and the formation (replicas per type) from app.json.
import { PaasError } from '../errors.js';

const PROCESS_TYPE = /^[a-z0-9][a-z0-9_-]{0,29}$/;

/** Parses "type: command" lines; errors name the file and line. Comments and blank lines are skipped. */
export function parseProcfile(text: string): Record<string, string> {
  const processes: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([^:\s]+)\s*:\s*(.*)$/.exec(line);
    if (!match || !PROCESS_TYPE.test(match[1]!)) {
      throw new PaasError('PAAS_ERR_INVALID_PROCFILE', `Procfile line ${i + 1}: expected "type: command" with a lowercase type, got ${JSON.stringify(line.slice(0, 80))}`);
    }
    if (!match[2]) throw new PaasError('PAAS_ERR_INVALID_PROCFILE', `Procfile line ${i + 1}: process type "${match[1]}" has no command`);
    if (processes[match[1]!] !== undefined) throw new PaasError('PAAS_ERR_INVALID_PROCFILE', `Procfile line ${i + 1}: process type "${match[1]}" is defined twice`);
    processes[match[1]!] = match[2]!;
  });
  return processes;
}

/**
 * Commands per process type: the buildpack's defaults overridden by the Procfile (without `release`, which is
 * not a long-running process). A default `web` runs the image's own CMD (null), as does `web` for a Dockerfile
 * app without a Procfile. Throws when nothing would run.
 */
export function processCommands(
  procfile: Record<string, string> | undefined,
  defaults: Record<string, string> | 'dockerfile',
): Record<string, string | null> {
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
