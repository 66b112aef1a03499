// Pure: which app a Host header names (APP.<domain> or a custom domain), and which live containers serve each app.
import { hostOf } from './hostname.js';
import { isValidAppName } from '../input/app-name.js';
import { targetOf, type Target } from '../ports/data-plane.js';

export { targetOf, type Target };

/** The app a request is for, from its Host header: APP.<domain>[:port]; undefined for any other host. */
export function appForHost(hostHeader: string | undefined, domain: string): string | undefined {
  if (!hostHeader) return undefined;
  const host = hostOf(hostHeader);
  const suffix = '.' + domain;
  if (!host.endsWith(suffix)) return undefined;
  const app = host.slice(0, -suffix.length);
  return isValidAppName(app) ? app : undefined;
}

/** The route table: each app's targets, replaced as a whole in one step. */
export class RouteTable {
  private readonly routes = new Map<string, { targets: readonly Target[]; next: number }>();
  /** Custom hostname -> app. */
  private readonly hosts = new Map<string, string>();
  /** Apps stopped on purpose (ps:stop): they answer 503 rather than 404. */
  private readonly stopped = new Set<string>();
  /** Apps whose plain HTTP requests go to HTTPS (for hosts that have a certificate). */
  private readonly httpsOnly = new Set<string>();
  /** Apps in maintenance: a 503 page whatever their targets. */
  private readonly maintenance = new Set<string>();

  setMaintenance(app: string, on: boolean): void {
    if (on) this.maintenance.add(app);
    else this.maintenance.delete(app);
  }

  inMaintenance(app: string): boolean {
    return this.maintenance.has(app);
  }

  setHttpsRedirect(app: string, on: boolean): void {
    if (on) this.httpsOnly.add(app);
    else this.httpsOnly.delete(app);
  }

  markStopped(app: string): void {
    this.stopped.add(app);
  }

  isStopped(app: string): boolean {
    return this.stopped.has(app);
  }

  redirectsToHttps(app: string): boolean {
    return this.httpsOnly.has(app);
  }

  /** The app a Host header is for: a custom domain first, then APP.<domain>. */
  appFor(hostHeader: string | undefined, domain: string): string | undefined {
    if (!hostHeader) return undefined;
    return this.hosts.get(hostOf(hostHeader)) ?? appForHost(hostHeader, domain);
  }

  addHost(host: string, app: string): void {
    this.hosts.set(host, app);
  }

  removeHost(host: string): void {
    this.hosts.delete(host);
  }

  /** Replaces every target of `app` at once (an empty list unroutes it); returns the targets it replaced. */
  swap(app: string, targets: readonly Target[]): readonly Target[] {
    const previous = this.targets(app);
    if (targets.length === 0) this.routes.delete(app);
    else {
      this.routes.set(app, { targets: [...targets], next: 0 });
      this.stopped.delete(app);
    }
    return previous;
  }

  /**
   * Takes the target of container `id` out of every app's routes (it died, stopped or turned unhealthy);
   * returns the app it served, if any. Until something routes the app again, the remaining targets serve it.
   */
  dropContainer(id: string): string | undefined {
    for (const [app, route] of this.routes) {
      const left = route.targets.filter((t) => t.id !== id);
      if (left.length === route.targets.length) continue;
      if (left.length === 0) this.routes.delete(app);
      else this.routes.set(app, { targets: left, next: 0 });
      return app;
    }
    return undefined;
  }

  /** Forgets an app: its targets and its custom hostnames. */
  remove(app: string): void {
    this.routes.delete(app);
    this.stopped.delete(app);
    this.httpsOnly.delete(app);
    this.maintenance.delete(app);
    for (const [host, owner] of this.hosts) if (owner === app) this.hosts.delete(host);
  }

  targets(app: string): readonly Target[] {
    return this.routes.get(app)?.targets ?? [];
  }

  apps(): string[] {
    return [...this.routes.keys()];
  }

  /**
   * The next target of `app`: the one with the fewest requests in flight (`load`), ties broken round robin, so
   * equal replicas take turns and a slow one gets fewer new requests. Undefined when the app has none.
   */
  pick(app: string, load: (url: string) => number = () => 0): Target | undefined {
    const route = this.routes.get(app);
    if (!route) return undefined;
    const { targets } = route;
    let best: Target | undefined;
    let bestLoad = Infinity;
    let bestOffset = 0;
    for (let offset = 0; offset < targets.length; offset++) {
      const target = targets[(route.next + offset) % targets.length]!;
      const current = load(target.url);
      if (current < bestLoad) {
        best = target;
        bestLoad = current;
        bestOffset = offset;
      }
    }
    route.next = (route.next + bestOffset + 1) % targets.length;
    return best;
  }
}
