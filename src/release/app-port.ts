// Pure: the port an app's processes listen on (given to them as PORT, and the router's target).
import type { PortMapping } from '../input/ports.js';

export const DEFAULT_PORT = 5000;

export interface PortSources {
  /** ports:set mappings (their container port). */
  ports?: PortMapping[] | null;
  /** The app's config: a PORT the user set is honoured. */
  config?: Record<string, string>;
  /** The image's EXPOSEd TCP ports. */
  exposed: number[];
}

/** Pure: a PORT config var as a port number, when it is one. */
export function configPort(config: Record<string, string> | undefined): number | undefined {
  const raw = config?.PORT;
  if (raw === undefined || !/^\d{1,5}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** The port: ports:set's, else a PORT config var, else the image's single EXPOSEd port, else 5000. */
export function choosePort(sources: PortSources): { port: number; from: 'ports' | 'config' | 'expose' | 'default' } {
  const mapped = sources.ports?.[0]?.container;
  if (mapped !== undefined) return { port: mapped, from: 'ports' };
  const fromConfig = configPort(sources.config);
  if (fromConfig !== undefined) return { port: fromConfig, from: 'config' };
  if (sources.exposed.length === 1) return { port: sources.exposed[0]!, from: 'expose' };
  return { port: DEFAULT_PORT, from: 'default' };
}
