// Both data planes behind the DataPlane port, started on free loopback ports for a test and stopped after it.
import fs from 'node:fs';
import { freePort } from '../../_free-port.js';
import os from 'node:os';
import path from 'node:path';
import type { DataPlane } from '../../../src/ports/data-plane.js';
import { NodeDataPlane } from '../../../src/router/node-data-plane.js';
import { HaproxyDataPlane } from '../../../src/router/haproxy/haproxy-data-plane.js';
import { stopHaproxy } from '../../../src/router/haproxy/haproxy-process.js';

export type PlaneKind = 'haproxy' | 'node';
export const PLANES: PlaneKind[] = ['node', 'haproxy'];

export { freePort };

export interface Plane {
  plane: DataPlane;
  http: number;
  https: number;
}

/** Starts a data plane of `kind` for `domain` on free ports; `t.teardown` stops it (and its HAProxy). */
export async function startPlane(kind: PlaneKind, t: { teardown(fn: () => unknown): void }, upstreamTimeoutMs = 1500): Promise<Plane> {
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const listen = { httpPort, httpsPort, domain: 'localhost', upstreamTimeoutMs, host: '127.0.0.1' };
  if (kind === 'node') {
    const plane = new NodeDataPlane(listen);
    await plane.start();
    t.teardown(() => plane.close());
    return { plane, http: httpPort, https: httpsPort };
  }
  const plane = new HaproxyDataPlane({ ...listen, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'paas-haproxy-')) });
  await plane.start();
  t.teardown(async () => {
    await plane.close();
    await stopHaproxy(plane.paths);
  });
  return { plane, http: httpPort, https: httpsPort };
}
