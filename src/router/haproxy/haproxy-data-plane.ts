// The DataPlane port on HAProxy (the default): per-app backends whose servers are added, drained and deleted
// through the Runtime API, hostnames mapped to backends through a map changed at runtime, certificates added and
// replaced at runtime, and a seamless reload only when an app needs a backend it does not have yet. HAProxy runs
// apart from the daemon, so traffic goes on while the daemon is down; on start the daemon adopts the running one.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import tls from 'node:tls';
import { Mutex } from 'async-mutex';
import type { DataPlane, RouterLogSink, Target } from '../../ports/data-plane.js';
import { readRouterLog } from './access-log-reader.js';
import { ChallengeStore } from '../../tls/challenges.js';
import { daemonLog } from '../../log.js';
import { abortConnections } from '../../host/connections.js';
import { BAD_GATEWAY_PAGE, BAD_REQUEST_PAGE, GATEWAY_TIMEOUT_PAGE, MAINTENANCE_PAGE, NOT_FOUND_PAGE, STOPPED_PAGE } from '../pages.js';
import {
  backendName,
  STOPPED_BACKEND,
  MAINTENANCE_BACKEND,
  rawResponse,
  renderConfig,
  staticMark,
  renderMap,
  serverAddress,
  serverName,
  CONNECT_TIMEOUT_MS,
  serverOptions,
  type HaproxyListen,
  type HaproxyPaths,
} from './haproxy-config.js';
import {
  ensureLogWriter,
  handOverHaproxy,
  haproxyMasterPid,
  haproxyPaths,
  haproxyRunning,
  reloadHaproxy,
  runsOtherHaproxy,
  spawnHaproxy,
} from './haproxy-process.js';
import { pemSerial, shownSerial } from './cert-serials.js';
import { parseServerStats, runtimeCheck, runtimeCommand } from './runtime-api.js';

export interface HaproxyDataPlaneOptions extends HaproxyListen {
  dataDir: string;
  domain: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the running HAProxy has now, so that every change is a difference. */
interface Live {
  backends: Set<string>;
  /** backend -> server names */
  servers: Map<string, Set<string>>;
  hosts: Map<string, string>;
  redirects: Set<string>;
  certFiles: Set<string>;
}

export class HaproxyDataPlane implements DataPlane {
  readonly speaksH2c = true;
  readonly paths: HaproxyPaths;
  private readonly lock = new Mutex();
  private readonly routes = new Map<string, readonly Target[]>();
  private readonly stopped = new Set<string>();
  /** Apps in maintenance: their hosts map to the maintenance backend whatever their targets. */
  private readonly maintenance = new Set<string>();
  private readonly httpsOnly = new Set<string>();
  private readonly customHosts = new Map<string, string>();
  private readonly certs = new Map<string, string>();
  private readonly challenges = new ChallengeStore();
  /** Servers on their way out (draining), by name: their backend. */
  private readonly leaving = new Map<string, string>();
  /**
   * Servers taken out but not deleted yet, by name: their backend, and when their sessions are cut. They are in
   * maintenance (no new requests), and the watchdog cuts and deletes them when due: a dead replica's once the
   * requests still connecting to it have been retried elsewhere, any other's once HAProxy no longer refuses (it
   * refuses while it holds connections to the server).
   */
  private readonly condemned = new Map<string, { backend: string; cutAt: number }>();
  private live: Live | undefined;
  private acme: http.Server | undefined;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(private readonly options: HaproxyDataPlaneOptions) {
    this.paths = haproxyPaths(options.dataDir);
  }

  // ---- what should be routed (pure views of the state) ----

  private hostsOf(app: string): string[] {
    return [`${app}.${this.options.domain}`, ...[...this.customHosts].filter(([, a]) => a === app).map(([h]) => h)];
  }

  /** Apps with a backend: those with targets, and those stopped on purpose (503). */
  private backendApps(): string[] {
    return [...new Set([...this.routes.keys(), ...this.stopped])];
  }

  private wantedHosts(): Map<string, string> {
    const backendOf = (app: string) => (this.maintenance.has(app) ? MAINTENANCE_BACKEND : this.stopped.has(app) ? STOPPED_BACKEND : backendName(app));
    const apps = new Set([...this.backendApps(), ...this.maintenance]);
    return new Map([...apps].flatMap((app) => this.hostsOf(app).map((h): [string, string] => [h, backendOf(app)])));
  }

  private wantedRedirects(): Set<string> {
    return new Set([...this.httpsOnly].flatMap((app) => this.hostsOf(app).filter((h) => this.certs.has(h))));
  }

  /** What the files say: every app's backend and targets, the hosts, redirects and certificates. */
  private routingState() {
    return {
      apps: new Map(this.backendApps().map((app) => [app, { targets: this.routes.get(app) ?? [] }])),
      hosts: this.wantedHosts(),
      redirects: this.wantedRedirects(),
      certFiles: [...this.certs.values()],
    };
  }

  private writeFiles(): void {
    const state = this.routingState();
    const write = (file: string, text: string) => {
      fs.writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
      fs.renameSync(`${file}.tmp`, file);
    };
    write(this.paths.hostsMap, renderMap(state.hosts));
    write(this.paths.redirectMap, renderMap([...state.redirects].map((h): [string, string] => [h, '1'])));
    write(this.paths.crtList, state.certFiles.map((f) => `${f}\n`).join(''));
    write(this.paths.config, renderConfig(this.paths, this.options, state));
  }

  /** The configuration this daemon would write now. */
  private renderedConfig(): string {
    return renderConfig(this.paths, this.options, this.routingState());
  }

  private snapshot(): Live {
    return {
      backends: new Set(this.backendApps().map(backendName)),
      servers: new Map(this.backendApps().map((app) => [backendName(app), new Set((this.routes.get(app) ?? []).map(serverName))])),
      hosts: this.wantedHosts(),
      redirects: this.wantedRedirects(),
      certFiles: new Set(this.certs.values()),
    };
  }

  // ---- bringing HAProxy to the state ----

  private cmd(command: string, payload?: string): Promise<string> {
    return runtimeCheck(this.paths.adminSocket, command, payload);
  }

  private async reload(): Promise<void> {
    this.writeFiles();
    await reloadHaproxy(this.paths);
    this.live = this.snapshot();
    // Servers that were draining stay with the old worker, which finishes their requests.
    this.leaving.clear();
    this.condemned.clear();
  }

  /** Adds (and enables) a server, or gives a draining one of the same name back its traffic. */
  private async addServer(backend: string, target: Target, live: Live): Promise<void> {
    const name = serverName(target);
    const servers = live.servers.get(backend) ?? new Set();
    if (servers.has(name)) {
      this.leaving.delete(name);
      this.condemned.delete(name);
      await this.cmd(`set server ${backend}/${name} state ready`);
      return;
    }
    await this.cmd(`add server ${backend}/${name} ${serverAddress(target)} ${serverOptions(target)}`);
    await this.cmd(`enable server ${backend}/${name}`);
    servers.add(name);
    live.servers.set(backend, servers);
  }

  /**
   * Takes a server out: no new requests at once, then its sessions cut and the server deleted (later, if HAProxy
   * still holds connections to it). With `graceMs`, the cut waits that long: a request still connecting to a
   * replica that died (its node is gone: nothing answers the SYN) is retried on another one at the connect timeout
   * rather than failed.
   */
  private async removeServer(backend: string, name: string, live: Live, graceMs = 0): Promise<void> {
    this.leaving.delete(name);
    await runtimeCommand(this.paths.adminSocket, `set server ${backend}/${name} state maint`);
    if (graceMs > 0) return void this.condemned.set(name, { backend, cutAt: Date.now() + graceMs });
    await runtimeCommand(this.paths.adminSocket, `shutdown sessions server ${backend}/${name}`);
    for (let attempt = 0; attempt < 20; attempt++) {
      if (await this.deleteServer(backend, name, live)) return;
      await sleep(50);
    }
    this.condemned.set(name, { backend, cutAt: 0 });
  }

  /** Deletes a server in maintenance; false while HAProxy still holds connections to it. */
  private async deleteServer(backend: string, name: string, live: Live): Promise<boolean> {
    const answer = await runtimeCommand(this.paths.adminSocket, `del server ${backend}/${name}`);
    if (!/deleted|No such server/i.test(answer)) return false;
    live.servers.get(backend)?.delete(name);
    this.condemned.delete(name);
    return true;
  }

  /** Cuts the sessions of the condemned servers that are due and deletes them. */
  private async removeCondemned(live: Live): Promise<void> {
    for (const [name, { backend, cutAt }] of [...this.condemned]) {
      if (cutAt > Date.now()) continue;
      await runtimeCommand(this.paths.adminSocket, `shutdown sessions server ${backend}/${name}`);
      await this.deleteServer(backend, name, live);
    }
  }

  private async syncMaps(live: Live): Promise<void> {
    const hosts = this.wantedHosts();
    for (const [host, backend] of hosts) {
      if (live.hosts.get(host) === backend) continue;
      await this.cmd(live.hosts.has(host) ? `set map ${this.paths.hostsMap} ${host} ${backend}` : `add map ${this.paths.hostsMap} ${host} ${backend}`);
      live.hosts.set(host, backend);
    }
    for (const host of [...live.hosts.keys()].filter((h) => !hosts.has(h))) {
      await this.cmd(`del map ${this.paths.hostsMap} ${host}`);
      live.hosts.delete(host);
    }
    const redirects = this.wantedRedirects();
    for (const host of [...redirects].filter((h) => !live.redirects.has(h))) {
      await this.cmd(`add map ${this.paths.redirectMap} ${host} 1`);
      live.redirects.add(host);
    }
    for (const host of [...live.redirects].filter((h) => !redirects.has(h))) {
      await this.cmd(`del map ${this.paths.redirectMap} ${host}`);
      live.redirects.delete(host);
    }
  }

  /** Brings one app's backend to its targets: new servers first, then the old ones set to drain. */
  private async syncApp(app: string, live: Live): Promise<void> {
    const backend = backendName(app);
    const targets = this.routes.get(app) ?? [];
    if (!live.backends.has(backend) && (targets.length > 0 || this.stopped.has(app))) return this.reload();
    for (const t of targets) await this.addServer(backend, t, live);
    const wanted = new Set(targets.map(serverName));
    for (const name of [...(live.servers.get(backend) ?? [])].filter((n) => !wanted.has(n) && !this.leaving.has(n) && !this.condemned.has(n))) {
      await this.cmd(`set server ${backend}/${name} state drain`);
      this.leaving.set(name, backend);
    }
    await this.syncMaps(live);
  }

  /** Runs `change` under the lock; once HAProxy runs, brings it to the new state and rewrites the files. */
  private async change<T>(change: () => T, apply: (live: Live) => Promise<void>): Promise<T> {
    return this.lock.runExclusive(async () => {
      const result = change();
      if (this.live) {
        await apply(this.live);
        this.writeFiles();
      }
      return result;
    });
  }

  // ---- the port ----

  async start(): Promise<void> {
    fs.mkdirSync(path.join(this.paths.dir, 'pages'), { recursive: true, mode: 0o700 });
    fs.mkdirSync(path.join(this.paths.dir, 'certs'), { recursive: true, mode: 0o700 });
    const pages = this.paths.pages;
    fs.writeFileSync(pages.notFound, NOT_FOUND_PAGE);
    fs.writeFileSync(pages.badGateway, rawResponse(502, 'Bad Gateway', BAD_GATEWAY_PAGE));
    fs.writeFileSync(pages.unreachable, rawResponse(502, 'Bad Gateway', BAD_GATEWAY_PAGE));
    fs.writeFileSync(pages.stopped, STOPPED_PAGE);
    fs.writeFileSync(pages.maintenance, MAINTENANCE_PAGE);
    fs.writeFileSync(pages.gatewayTimeout, rawResponse(504, 'Gateway Timeout', GATEWAY_TIMEOUT_PAGE));
    fs.writeFileSync(pages.badRequest, rawResponse(400, 'Bad Request', BAD_REQUEST_PAGE));
    await this.listenForChallenges();
    await this.lock.runExclusive(async () => {
      if ((await haproxyRunning(this.paths)) && runsOtherHaproxy(this.paths)) {
        // An older daemon's HAProxy (2.6): handed over to this one's, the listening sockets passed on.
        this.writeFiles();
        await handOverHaproxy(this.paths);
        this.live = this.snapshot();
      } else if (await haproxyRunning(this.paths)) {
        await ensureLogWriter(this.paths);
        await this.adopt();
      } else {
        this.writeFiles();
        await spawnHaproxy(this.paths);
        this.live = this.snapshot();
      }
    });
    this.watchdog = setInterval(() => void this.watch(), 2000);
    this.watchdog.unref();
  }

  /** Takes over the HAProxy a previous daemon left running, changing only what differs from the store. */
  /** Certificates the running HAProxy holds whose serial differs from the file written for it: replaced from the file. */
  private async refreshChangedCerts(live: Live): Promise<void> {
    for (const file of this.certs.values()) {
      if (!live.certFiles.has(file) || !fs.existsSync(file)) continue;
      const pem = fs.readFileSync(file, 'utf8');
      const served = shownSerial(await this.cmd(`show ssl cert ${file}`));
      if (served === pemSerial(pem)) continue;
      await this.cmd(`set ssl cert ${file}`, pem);
      await this.cmd(`commit ssl cert ${file}`);
      daemonLog('router.cert.replaced', { file: path.basename(file), served: served ?? 'none' });
    }
  }

  private async adopt(): Promise<void> {
    const live: Live = { backends: new Set(), servers: new Map(), hosts: new Map(), redirects: new Set(), certFiles: new Set() };
    for (const line of (await this.cmd('show backend')).split('\n').slice(1)) {
      const name = line.trim();
      if (!name.startsWith('app_')) continue;
      live.backends.add(name);
      const state = await this.cmd(`show servers state ${name}`);
      live.servers.set(name, new Set(state.split('\n').flatMap((l) => (/^\d+ /.test(l) ? [l.split(' ')[3]!] : []))));
    }
    const mapEntries = async (file: string) =>
      (await this.cmd(`show map ${file}`)).split('\n').flatMap((l) => {
        const [, key, value] = l.trim().split(' ');
        return key && value ? [[key, value] as [string, string]] : [];
      });
    live.hosts = new Map(await mapEntries(this.paths.hostsMap));
    live.redirects = new Set((await mapEntries(this.paths.redirectMap)).map(([k]) => k));
    live.certFiles = new Set(
      (await this.cmd(`show ssl crt-list ${this.paths.crtList}`))
        .split('\n')
        .filter((l) => l.startsWith('/'))
        .map((l) => l.split(' ')[0]!),
    );
    this.live = live;
    await this.refreshChangedCerts(live);
    const missing = this.backendApps().some((app) => !live.backends.has(backendName(app)));
    // The running HAProxy was configured by another version of the daemon (its frontend differs): reloaded onto this one's.
    const running = fs.existsSync(this.paths.config) ? staticMark(fs.readFileSync(this.paths.config, 'utf8')) : '';
    const upgraded = running !== staticMark(this.renderedConfig());
    const certsDiffer = [...this.certs.values()].some((f) => !live.certFiles.has(f)) || [...live.certFiles].some((f) => ![...this.certs.values()].includes(f));
    if (missing || certsDiffer || upgraded) {
      await this.reload();
    } else {
      for (const app of this.backendApps()) await this.syncApp(app, live);
      // Servers the store no longer routes to (a release taken back, replicas gone while the daemon was down):
      // drained first, so that requests they are answering finish, then removed.
      const unwanted: [string, string][] = [];
      for (const backend of live.backends) {
        const app = backend.slice('app_'.length);
        const wanted = new Set((this.routes.get(app) ?? []).map(serverName));
        for (const name of [...(live.servers.get(backend) ?? [])].filter((n) => !wanted.has(n))) {
          await runtimeCommand(this.paths.adminSocket, `set server ${backend}/${name} state drain`);
          unwanted.push([backend, name]);
        }
      }
      const names = new Set(unwanted.map(([, name]) => name));
      const deadline = Date.now() + 10_000;
      while (names.size && Date.now() < deadline && (await this.sessionsOf(names)) > 0) await sleep(50);
      for (const [backend, name] of unwanted) await this.removeServer(backend, name, live);
      await this.syncMaps(live);
      this.writeFiles();
    }
    daemonLog('router.haproxy.adopted', { backends: live.backends.size, hosts: live.hosts.size });
  }

  /** Restarts HAProxy from its files if it died, and its access log's writer; deletes servers it refused to before. */
  private async watch(): Promise<void> {
    if (haproxyMasterPid(this.paths) !== undefined)
      await ensureLogWriter(this.paths).catch((err: unknown) => daemonLog('router.haproxy.error', { error: err }));
    if (this.live && this.condemned.size > 0 && !this.lock.isLocked())
      await this.lock
        .runExclusive(() => (this.live ? this.removeCondemned(this.live) : undefined))
        .catch((err: unknown) => daemonLog('router.haproxy.error', { error: err }));
    // Only a master process that is gone is started again (its socket is away during every reload).
    if (!this.live || this.lock.isLocked() || haproxyMasterPid(this.paths) !== undefined) return;
    await this.lock.runExclusive(async () => {
      if (haproxyMasterPid(this.paths) !== undefined) return;
      daemonLog('router.haproxy.exited', { action: 'starting it again' });
      this.writeFiles();
      await spawnHaproxy(this.paths).catch((err: unknown) => daemonLog('router.haproxy.error', { error: err }));
      this.live = this.snapshot();
    });
  }

  /** ACME HTTP-01 answers, served by the daemon on a unix socket HAProxy sends challenge paths to. */
  private async listenForChallenges(): Promise<void> {
    fs.rmSync(this.paths.acmeSocket, { force: true });
    this.acme = http.createServer((req, res) => {
      const answer = this.challenges.answer(req.url);
      if (answer === undefined) {
        res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(NOT_FOUND_PAGE);
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
    await new Promise<void>((resolve, reject) => {
      this.acme!.once('error', reject);
      this.acme!.listen(this.paths.acmeSocket, () => resolve());
    });
    fs.chmodSync(this.paths.acmeSocket, 0o600);
  }

  /** Stops the daemon's side; HAProxy keeps serving the routes it has. */
  async close(): Promise<void> {
    clearInterval(this.watchdog);
    await new Promise((r) => (this.acme ? this.acme.close(r) : r(undefined)));
  }

  setTargets(app: string, targets: readonly Target[]): Promise<readonly Target[]> {
    return this.change(
      () => {
        const before = this.routes.get(app) ?? [];
        if (targets.length === 0) this.routes.delete(app);
        else {
          this.routes.set(app, [...targets]);
          this.stopped.delete(app);
        }
        return before;
      },
      (live) => this.syncApp(app, live),
    );
  }

  async targets(app: string): Promise<readonly Target[]> {
    return this.routes.get(app) ?? [];
  }

  dropReplica(id: string): Promise<string | undefined> {
    let dropped: { app: string; name: string; url: URL } | undefined;
    return this.change(
      () => {
        for (const [app, targets] of this.routes) {
          const gone = targets.find((t) => t.id === id);
          if (!gone) continue;
          const left = targets.filter((t) => t.id !== id);
          if (left.length) this.routes.set(app, left);
          else this.routes.delete(app);
          dropped = { app, name: serverName(gone), url: new URL(gone.url) };
          return app;
        }
        return undefined;
      },
      async (live) => {
        if (!dropped) return;
        await this.removeServer(backendName(dropped.app), dropped.name, live, CONNECT_TIMEOUT_MS);
        // A replica whose node died never answers, not even with a reset: HAProxy's connections to it are aborted,
        // so that the requests waiting on them (sent on a kept-alive connection after the death) are retried on
        // another replica now, rather than failed when their sessions are cut.
        const aborted = await abortConnections(dropped.url.hostname, Number(dropped.url.port || 80));
        if ('error' in aborted) daemonLog('router.haproxy.abort_failed', { server: dropped.name, error: aborted.error });
        else if (aborted.aborted > 0) daemonLog('router.haproxy.connections_aborted', { server: dropped.name, connections: aborted.aborted });
        await this.syncMaps(live);
      },
    );
  }

  /** Sessions on the servers `names` now (requests in flight, WebSockets). */
  private async sessionsOf(names: ReadonlySet<string>): Promise<number> {
    const stats = parseServerStats(await runtimeCommand(this.paths.adminSocket, 'show stat'));
    return stats.filter((s) => names.has(s.server)).reduce((sum, s) => sum + s.current, 0);
  }

  private async serverLoad(targets: readonly Target[]): Promise<number> {
    if (!this.live || targets.length === 0) return 0;
    return this.sessionsOf(new Set(targets.map(serverName)));
  }

  inflight(targets: readonly Target[]): Promise<number> {
    return this.serverLoad(targets);
  }

  async drain(targets: readonly Target[], timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    // A server routed again meanwhile (a rollback took its replica back) is no longer draining.
    const leaving = () => targets.filter((t) => this.leaving.has(serverName(t)));
    let busy = await this.serverLoad(leaving());
    while (busy > 0 && Date.now() < deadline) {
      await sleep(50);
      busy = await this.serverLoad(leaving());
    }
    // What is left (WebSockets, requests past the timeout) is cut, and the servers go.
    await this.lock.runExclusive(async () => {
      if (!this.live) return;
      for (const t of targets) {
        const name = serverName(t);
        const backend = this.leaving.get(name);
        if (backend) await this.removeServer(backend, name, this.live);
      }
    });
    return busy;
  }

  markStopped(app: string): Promise<void> {
    return this.change(
      () => void this.stopped.add(app),
      (live) => this.syncApp(app, live),
    );
  }

  async isStopped(app: string): Promise<boolean> {
    return this.stopped.has(app);
  }

  setMaintenance(app: string, on: boolean): Promise<void> {
    return this.change(
      () => void (on ? this.maintenance.add(app) : this.maintenance.delete(app)),
      (live) => this.syncMaps(live),
    );
  }

  removeApp(app: string): Promise<void> {
    return this.change(
      () => {
        this.routes.delete(app);
        this.stopped.delete(app);
        this.maintenance.delete(app);
        this.httpsOnly.delete(app);
        for (const [host, owner] of this.customHosts) if (owner === app) this.customHosts.delete(host);
      },
      async (live) => {
        const backend = backendName(app);
        for (const name of [...(live.servers.get(backend) ?? [])]) await this.removeServer(backend, name, live);
        await this.syncMaps(live);
      },
    );
  }

  addHost(host: string, app: string): Promise<void> {
    return this.change(
      () => void this.customHosts.set(host, app),
      (live) => this.syncMaps(live),
    );
  }

  removeHost(host: string): Promise<void> {
    return this.change(
      () => void this.customHosts.delete(host),
      (live) => this.syncMaps(live),
    );
  }

  setHttpsRedirect(app: string, on: boolean): Promise<void> {
    return this.change(
      () => void (on ? this.httpsOnly.add(app) : this.httpsOnly.delete(app)),
      (live) => this.syncMaps(live),
    );
  }

  async installCertificate(host: string, certPem: string, keyPem: string): Promise<void> {
    // An unusable pair is refused here, before HAProxy sees it.
    tls.createSecureContext({ cert: certPem, key: keyPem });
    const file = path.join(this.paths.dir, 'certs', `${host}.pem`);
    const pem = `${certPem.trim()}\n${keyPem.trim()}\n`;
    return this.change(
      () => {
        fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        fs.writeFileSync(file, pem, { mode: 0o600 });
        this.certs.set(host, file);
      },
      async (live) => {
        if (!live.certFiles.has(file)) await this.cmd(`new ssl cert ${file}`);
        await this.cmd(`set ssl cert ${file}`, pem);
        await this.cmd(`commit ssl cert ${file}`);
        if (!live.certFiles.has(file)) await this.cmd(`add ssl crt-list ${this.paths.crtList} ${file}`);
        live.certFiles.add(file);
        await this.syncMaps(live);
      },
    );
  }

  removeCertificate(host: string): Promise<void> {
    const file = this.certs.get(host);
    return this.change(
      () => void this.certs.delete(host),
      async (live) => {
        if (file && live.certFiles.has(file)) {
          await this.cmd(`del ssl crt-list ${this.paths.crtList} ${file}`);
          await this.cmd(`del ssl cert ${file}`);
          live.certFiles.delete(file);
        }
        if (file) fs.rmSync(file, { force: true });
        await this.syncMaps(live);
      },
    );
  }

  async setChallenge(token: string, keyAuthorization: string): Promise<void> {
    this.challenges.set(token, keyAuthorization);
  }

  async clearChallenge(token: string): Promise<void> {
    this.challenges.delete(token);
  }

  /** HAProxy's exporter output (frontends, backends per app, servers per replica). */
  metricsText(): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = http.get({ socketPath: this.paths.metricsSocket, path: '/metrics', timeout: 5000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HAProxy's exporter answered ${res.statusCode}`))));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error("HAProxy's exporter did not answer in 5 s")));
      req.on('error', reject);
    });
  }

  routerLog(app: string, options: { tail: number; follow: boolean }, sink: RouterLogSink, signal: AbortSignal): Promise<void> {
    return readRouterLog(this.paths.accessLog, backendName(app), options, sink, signal);
  }
}
