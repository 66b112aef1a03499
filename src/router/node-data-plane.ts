// The DataPlane port in the daemon's own process: the http-proxy router over an in-memory route table
// (`--router node`, the fallback on hosts without HAProxy). Its traffic stops while the daemon is down.
import type http from 'node:http';
import type https from 'node:https';
import type { DataPlane, Target } from '../ports/data-plane.js';
import { RouteTable } from './route-table.js';
import { Inflight } from './inflight.js';
import { createRouter, listenHttp, listenHttps, type Router } from './proxy.js';
import { SniContexts } from '../tls/sni-contexts.js';
import { ChallengeStore } from '../tls/challenges.js';
import { listeningOn } from '../listening-on.js';

export interface NodeDataPlaneOptions {
  httpPort: number;
  httpsPort: number;
  domain: string;
  upstreamTimeoutMs: number;
  /** Where to listen (default: every address). */
  host?: string;
}

export class NodeDataPlane implements DataPlane {
  // http-proxy speaks HTTP/1.1 to apps only.
  readonly speaksH2c = false;
  readonly routes = new RouteTable();
  private readonly requests = new Inflight();
  private readonly sni = new SniContexts();
  private readonly challenges = new ChallengeStore();
  private router: Router | undefined;
  private servers: (http.Server | https.Server)[] = [];

  constructor(private readonly options: NodeDataPlaneOptions) {}

  async start(): Promise<void> {
    const { options } = this;
    const router = createRouter(this.routes, {
      port: options.httpPort,
      domain: options.domain,
      inflight: this.requests,
      challenges: this.challenges,
      upstreamTimeoutMs: options.upstreamTimeoutMs,
      https: { port: options.httpsPort, hasCert: (host) => this.sni.has(host) },
    });
    this.router = router;
    this.servers.push(await listeningOn('HTTP', options.httpPort, '--http-port', listenHttp(router, options.httpPort, options.host)));
    this.servers.push(
      await listeningOn(
        'HTTPS',
        options.httpsPort,
        '--https-port',
        listenHttps(router, options.httpsPort, (name) => this.sni.get(name), options.host),
      ),
    );
  }

  async close(): Promise<void> {
    for (const server of this.servers) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    this.servers = [];
    this.router?.close();
  }

  async setTargets(app: string, targets: readonly Target[]): Promise<readonly Target[]> {
    return this.routes.swap(app, targets);
  }

  async targets(app: string): Promise<readonly Target[]> {
    return this.routes.targets(app);
  }

  async dropReplica(id: string): Promise<string | undefined> {
    return this.routes.dropContainer(id);
  }

  async inflight(targets: readonly Target[]): Promise<number> {
    return targets.reduce((sum, t) => sum + this.requests.count(t.url), 0);
  }

  drain(targets: readonly Target[], timeoutMs: number): Promise<number> {
    return this.requests.drain(
      targets.map((t) => t.url),
      timeoutMs,
    );
  }

  async markStopped(app: string): Promise<void> {
    this.routes.markStopped(app);
  }

  async isStopped(app: string): Promise<boolean> {
    return this.routes.isStopped(app);
  }

  async setMaintenance(app: string, on: boolean): Promise<void> {
    this.routes.setMaintenance(app, on);
  }

  async removeApp(app: string): Promise<void> {
    this.routes.remove(app);
  }

  async addHost(host: string, app: string): Promise<void> {
    this.routes.addHost(host, app);
  }

  async removeHost(host: string): Promise<void> {
    this.routes.removeHost(host);
  }

  async setHttpsRedirect(app: string, on: boolean): Promise<void> {
    this.routes.setHttpsRedirect(app, on);
  }

  async installCertificate(host: string, certPem: string, keyPem: string): Promise<void> {
    this.sni.set(host, certPem, keyPem);
  }

  async removeCertificate(host: string): Promise<void> {
    this.sni.delete(host);
  }

  async setChallenge(token: string, keyAuthorization: string): Promise<void> {
    this.challenges.set(token, keyAuthorization);
  }

  async clearChallenge(token: string): Promise<void> {
    this.challenges.delete(token);
  }
}
