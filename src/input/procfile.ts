// Pure: a Procfile's "type: command" lines, checked.
import { PaasError } from '../errors.js';
import { PROCESS_TYPE } from './patterns.js';

/** Parses "type: command" lines; errors name the file and line. Comments and blank lines are skipped. */
export function parseProcfile(text: string): Record<string, string> {
  const processes: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([^:\s]+)\s*:\s*(.*)$/.exec(line);
    if (!match || !PROCESS_TYPE.test(match[1]!)) {
      throw new PaasError(
        'PAAS_ERR_INVALID_PROCFILE',
        `Procfile line ${i + 1}: expected "type: command" with a lowercase type, got ${JSON.stringify(line.slice(0, 80))}`,
      );
    }
    if (!match[2]) throw new PaasError('PAAS_ERR_INVALID_PROCFILE', `Procfile line ${i + 1}: process type "${match[1]}" has no command`);
    if (processes[match[1]!] !== undefined)
      throw new PaasError('PAAS_ERR_INVALID_PROCFILE', `Procfile line ${i + 1}: process type "${match[1]}" is defined twice`);
    processes[match[1]!] = match[2]!;
  });
  return processes;
}
