// Pure: Dokku's port mappings (`ports:set APP http:80:3000`): SCHEME:HOST-PORT:CONTAINER-PORT. The router serves
// every app on its own HTTP and HTTPS ports by hostname, so the host side is always 80 (http) or 443 (https); what
// a mapping decides is the port the app's web process listens on (its PORT, and the router's target).
import { PaasError } from '../errors.js';

export interface PortMapping {
  scheme: 'http' | 'https';
  host: number;
  container: number;
}

const HOST_PORT = { http: 80, https: 443 } as const;

function portNumber(text: string, what: string, mapping: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n < 1 || n > 65535)
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `${mapping}: the ${what} port must be a number from 1 to 65535`);
  return n;
}

/** Parses SCHEME:HOST:CONTAINER words; refuses in one line what cannot be served here, saying what to write. */
export function parsePortMappings(words: string[]): PortMapping[] {
  if (words.length === 0) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'give at least one mapping, e.g. http:80:3000');
  const mappings = words.map((word) => {
    const shown = JSON.stringify(word.slice(0, 40));
    const parts = word.split(':');
    if (parts.length !== 3) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${shown} is not SCHEME:HOST-PORT:CONTAINER-PORT (e.g. http:80:3000)`);
    const scheme = parts[0]!.toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') {
      throw new PaasError('PAAS_ERR_INVALID_INPUT', `${shown}: the router serves http and https only (TCP and UDP ports are not routed here)`);
    }
    const host = portNumber(parts[1]!, 'host', shown);
    const container = portNumber(parts[2]!, 'container', shown);
    if (host !== HOST_PORT[scheme]) {
      throw new PaasError(
        'PAAS_ERR_INVALID_INPUT',
        `${shown}: every app is served on the router's ${scheme} port, by hostname; write ${scheme}:${HOST_PORT[scheme]}:${container}`,
      );
    }
    return { scheme, host, container } as PortMapping;
  });
  const containers = new Set(mappings.map((m) => m.container));
  if (containers.size > 1) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `the web process listens on one port here; the mappings name ${[...containers].join(' and ')}`);
  }
  return mappings;
}

export function formatPortMappings(mappings: PortMapping[]): string {
  return mappings.map((m) => `${m.scheme}:${m.host}:${m.container}`).join(' ');
}
