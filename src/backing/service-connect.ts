// `services:connect NAME`: the kind's own client (psql, redis-cli, mariadb) in a throwaway container on the
// service's network, attached to the caller's terminal like `paas run`.
import type { Services } from '../services.js';
import type { Caller } from '../auth/caller.js';
import { runAttached, type Attached, type AttachedIo } from '../docker/attach.js';
import { clientContainerSpec } from '../docker/service-container.js';
import { usableService } from './service-lifecycle.js';
import { unitOf } from './service-unit.js';

/** Refuses a service the caller may not use, or an unknown one (before the connection is upgraded). */
export async function checkConnectAllowed(services: Pick<Services, 'db'>, caller: Caller, name: string): Promise<void> {
  await usableService(services, caller, name);
}

export async function startServiceClient(services: Pick<Services, 'db' | 'docker'>, caller: Caller, name: string, io: AttachedIo): Promise<Attached> {
  const row = await usableService(services, caller, name);
  const unit = unitOf(row);
  return runAttached(services.docker, { ...clientContainerSpec(unit, unit.kind.client), Tty: io.tty }, io);
}
