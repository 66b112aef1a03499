// Fake Scheduler and DataPlane for the swap's unit tests, in kamal-proxy's style: each replica a fake "starts" is a
// real HTTP server on its own loopback address (127.0.0.N), so health checks probe it over the network as they do
// a container. Every port call is written to one journal, so a test can assert the order of the steps.
import http from 'node:http';
import type { LogLine, LogSource, OneOffSpec, ProcessSpec, Replica, ReplicaEvent, ReplicaHealth, Scheduler } from '../../../src/ports/scheduler.js';
import type { DataPlane, Target } from '../../../src/ports/data-plane.js';
import type { SwapPorts } from '../../../src/release/swap.js';
import type { FaultPoint } from '../../../src/fault-point.js';

/** What a replica started for `process.index` does: answer, never answer, exit at once, exit after 100 ms, or exit 200 ms after its first answer. */
export type Behaviour = 'healthy' | 'silent' | 'exits' | 'exits-soon' | 'answers-then-exits';

let nextAddress = 2;

export class FakeScheduler implements Scheduler {
  retiresAfterSwap = true;
  readonly running = new Map<string, { replica: Replica; server?: http.Server; exited: boolean; kept: boolean; paused: boolean; held?: boolean }>();
  behaviour: (spec: ProcessSpec) => Behaviour = () => 'healthy';
  /** How long each start takes (a busy engine). */
  startDelayMs = 0;
  private seq = 0;

  constructor(
    private readonly journal: string[],
    readonly port: number,
  ) {}

  /** Places a replica as if an earlier release had started it. */
  async place(spec: Omit<ProcessSpec, 'port' | 'image'>): Promise<Replica> {
    const replica = await this.start({ ...spec, image: 'img', port: this.port });
    this.journal.pop();
    this.running.get(replica.id)!.kept = true;
    return replica;
  }

  async prepare(app: string): Promise<void> {
    this.journal.push(`prepare ${app}`);
  }

  async teardown(app: string): Promise<void> {
    this.journal.push(`teardown ${app}`);
  }

  async start(spec: ProcessSpec): Promise<Replica> {
    if (this.startDelayMs) await new Promise((resolve) => setTimeout(resolve, this.startDelayMs));
    const id = `${spec.process}.${spec.index}.v${spec.version}#${++this.seq}`;
    const ip = `127.0.0.${nextAddress++}`;
    if (nextAddress > 250) nextAddress = 2;
    const behaviour = this.behaviour(spec);
    let server: http.Server | undefined;
    if (behaviour === 'healthy' || behaviour === 'answers-then-exits') {
      let answered = false;
      server = http.createServer((_req, res) => {
        res.end(`v${spec.version}`);
        if (behaviour !== 'answers-then-exits' || answered) return;
        answered = true;
        setTimeout(() => {
          this.running.get(id)!.exited = true;
          server!.close();
          server!.closeAllConnections();
        }, 200).unref();
      });
      await new Promise<void>((resolve) => server!.listen(this.port, ip, resolve));
    }
    const replica: Replica = {
      id,
      name: id,
      app: spec.app,
      process: spec.process,
      index: spec.index,
      release: spec.version,
      ip,
      port: this.port,
      state: 'running',
    };
    this.running.set(id, { replica, ...(server ? { server } : {}), exited: behaviour === 'exits', kept: false, paused: false });
    if (behaviour === 'exits-soon') setTimeout(() => (this.running.get(id)!.exited = true), 100).unref();
    this.journal.push(`start ${spec.process}.${spec.index} v${spec.version}`);
    return replica;
  }

  async health(replica: Replica): Promise<ReplicaHealth> {
    const r = this.running.get(replica.id);
    return r && !r.exited ? { running: true, exitCode: 0 } : { running: false, exitCode: 1 };
  }

  async keep(replica: Replica): Promise<void> {
    this.running.get(replica.id)!.kept = true;
  }

  async settle(replica: Replica): Promise<void> {
    this.journal.push(`settle ${replica.process}.${replica.index} v${replica.release}`);
  }

  async replicas(app?: string): Promise<Replica[]> {
    return [...this.running.values()]
      .filter((r) => app === undefined || r.replica.app === app)
      .map((r) => ({ ...r.replica, state: r.exited || r.paused ? ('stopped' as const) : r.held ? ('held' as const) : ('running' as const) }));
  }

  async remove(replica: Pick<Replica, 'id'>): Promise<void> {
    const r = this.running.get(replica.id);
    if (!r) return;
    this.running.delete(replica.id);
    await new Promise((resolve) => (r.server ? r.server.close(resolve) : resolve(undefined)));
    this.journal.push(`remove ${r.replica.process}.${r.replica.index} v${r.replica.release}`);
  }

  /** Whether hold keeps replicas (a scheduler that can freeze them). */
  canHold = true;

  async hold(replica: Pick<Replica, 'id'>): Promise<boolean> {
    if (!this.canHold) return false;
    const r = this.running.get(replica.id)!;
    r.held = true;
    this.journal.push(`hold ${r.replica.process}.${r.replica.index} v${r.replica.release}`);
    return true;
  }

  async resume(replica: Pick<Replica, 'id'>): Promise<void> {
    const r = this.running.get(replica.id)!;
    r.held = false;
    this.journal.push(`resume ${r.replica.process}.${r.replica.index} v${r.replica.release}`);
  }

  async pause(replica: Pick<Replica, 'id'>): Promise<void> {
    const r = this.running.get(replica.id)!;
    r.paused = true;
    this.journal.push(`pause ${r.replica.process}.${r.replica.index} v${r.replica.release}`);
  }

  /** The replica dies (a crash, an OOM kill). */
  kill(id: string): void {
    const r = this.running.get(id)!;
    r.exited = true;
    r.server?.close();
  }

  async logTail(): Promise<string> {
    return 'Error: Cannot find module server.js';
  }

  // The swap reads no output.
  async logSources(): Promise<LogSource[]> {
    return [];
  }

  async logLines(): Promise<LogLine[]> {
    return [];
  }

  async followLogs(): Promise<void> {}

  async watchLogSources(): Promise<{ closed: Promise<void> }> {
    return { closed: Promise.resolve() };
  }

  async runOnce(spec: OneOffSpec): Promise<{ exitCode: number; output: string }> {
    return { exitCode: 0, output: spec.command };
  }

  watch(_onEvent: (event: ReplicaEvent) => void): { stop(): void } {
    return { stop() {} };
  }

  /** Closes every server still listening. */
  async close(): Promise<void> {
    for (const id of [...this.running.keys()]) await this.remove({ id });
  }
}

export class FakeDataPlane implements DataPlane {
  readonly speaksH2c = true;
  readonly routes = new Map<string, readonly Target[]>();
  readonly stopped = new Set<string>();
  /** Requests in flight per target URL, as a test sets them. */
  readonly busy = new Map<string, number>();

  constructor(private readonly journal: string[]) {}

  async start(): Promise<void> {}
  async close(): Promise<void> {}

  async setTargets(app: string, targets: readonly Target[]): Promise<readonly Target[]> {
    const before = this.routes.get(app) ?? [];
    this.routes.set(app, [...targets]);
    if (targets.length) this.stopped.delete(app);
    this.journal.push(`route ${app} -> [${targets.map((t) => t.container.replace(/#\d+$/, '')).join(', ')}]`);
    return before;
  }

  async targets(app: string): Promise<readonly Target[]> {
    return this.routes.get(app) ?? [];
  }

  async dropReplica(id: string): Promise<string | undefined> {
    for (const [app, targets] of this.routes) {
      if (targets.some((t) => t.id === id)) {
        this.routes.set(
          app,
          targets.filter((t) => t.id !== id),
        );
        return app;
      }
    }
    return undefined;
  }

  async inflight(targets: readonly Target[]): Promise<number> {
    return targets.reduce((n, t) => n + (this.busy.get(t.url) ?? 0), 0);
  }

  async drain(targets: readonly Target[], timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.inflight(targets)) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const left = await this.inflight(targets);
    this.journal.push(`drain [${targets.map((t) => t.container.replace(/#\d+$/, '')).join(', ')}]${left ? ` cut ${left}` : ''}`);
    return left;
  }

  async markStopped(app: string): Promise<void> {
    this.stopped.add(app);
    this.journal.push(`stopped ${app}`);
  }

  async isStopped(app: string): Promise<boolean> {
    return this.stopped.has(app);
  }

  async setMaintenance(app: string, on: boolean): Promise<void> {
    this.journal.push(`maintenance ${app} ${on ? 'on' : 'off'}`);
  }

  async removeApp(app: string): Promise<void> {
    this.routes.delete(app);
  }

  async addHost(): Promise<void> {}
  async removeHost(): Promise<void> {}
  async setHttpsRedirect(): Promise<void> {}
  async installCertificate(): Promise<void> {}
  async removeCertificate(): Promise<void> {}
  async setChallenge(): Promise<void> {}
  async clearChallenge(): Promise<void> {}
}

/** Both fakes, one journal, settings short enough for unit tests, and a fault hook a test can arm. */
export function fakePorts(port: number): SwapPorts & { scheduler: FakeScheduler; dataPlane: FakeDataPlane; journal: string[]; armed?: FaultPoint } {
  const journal: string[] = [];
  const ports = {
    journal,
    scheduler: new FakeScheduler(journal, port),
    dataPlane: new FakeDataPlane(journal),
    settings: { readyTimeoutMs: 400, drainTimeoutMs: 200, stopGraceSeconds: 0 },
    armed: undefined as FaultPoint | undefined,
    fault: (point: FaultPoint) => {
      if (ports.armed === point) throw new Error(`crash at ${point}`);
    },
  };
  return ports;
}
