// Which processes apps run, as `paas ps` shows them, each with the id its metrics samples are kept under. One
// lister per scheduler, chosen where the scheduler is (server.ts): the local engine's reads the containers here;
// the Swarm one (swarm/nodes.ts) reads the tasks on every node. Routes, the dashboard and `apps:info` only ask.
import type { Services } from '../services.js';
import { LABEL } from '../docker/names.js';
import { listAppContainers } from '../docker/containers.js';
import { activeRelease } from '../store/releases.js';
import { processViews, type ProcessView } from './process-view.js';

export interface ListedProcess {
  app: string;
  view: ProcessView;
  /** The container the replica's samples are kept under ('' when unknown). */
  sampleId: string;
}

/** The processes of `app`, or of every app when none is named. */
export type ProcessLister = (app?: string) => Promise<ListedProcess[]>;

/** The local engine's lister: the apps' containers, a replica of another release than the active one shown draining. */
export function localProcessLister(services: Pick<Services, 'docker' | 'db' | 'metrics'>): ProcessLister {
  return async (app) => {
    const byApp = new Map<string, Awaited<ReturnType<typeof listAppContainers>>>();
    for (const c of await listAppContainers(services.docker, app)) {
      const owner = c.Labels[LABEL.app];
      if (owner && (app === undefined || owner === app)) byApp.set(owner, [...(byApp.get(owner) ?? []), c]);
    }
    const listed: ListedProcess[] = [];
    for (const [owner, containers] of byApp) {
      const active = (await activeRelease(services.db, owner))?.version;
      for (const view of processViews(containers, (id) => services.metrics.latest(id), undefined, active))
        listed.push({ app: owner, view, sampleId: containers.find((c) => (c.Names[0] ?? '').replace(/^\//, '') === view.container)?.Id ?? '' });
    }
    return listed;
  };
}
