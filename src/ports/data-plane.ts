// Port: what carries the apps' HTTP and HTTPS traffic. The swap, restarts, healing, domains and certificates
// talk to this and nothing else; the in-process router (router/node-data-plane.ts) is the first adapter.
/** One replica the router sends requests to. */
export interface Target {
  /** Base URL of the container, e.g. http://172.18.0.5:5000 */
  url: string;
  container: string;
  release: number;
  /** The container's id, so that its death takes it out of the routes at once. */
  id?: string;
  /** h2c: HTTP/2 without TLS to the replica (gRPC servers); absent: HTTP/1.1. */
  protocol?: 'h2c';
}

/** Pure: the route target of a replica at `ip` that serves on `port`: built here, and nowhere else. */
export function targetOf(c: { id: string; name: string; ip: string; upstream?: 'h2c' }, port: number | string, release: number): Target {
  return { url: `http://${c.ip}:${port}`, container: c.name, release, id: c.id, ...(c.upstream ? { protocol: c.upstream } : {}) };
}

export interface DataPlane {
  /** Whether it can speak HTTP/2 without TLS to an app's replicas (targets with protocol h2c). */
  readonly speaksH2c: boolean;
  /** Starts serving on the configured ports. */
  start(): Promise<void>;
  /** Stops serving (what runs outside the daemon may keep serving). */
  close(): Promise<void>;

  /** Replaces every target of `app` in one step (an empty list unroutes it); resolves with the ones it replaced. */
  setTargets(app: string, targets: readonly Target[]): Promise<readonly Target[]>;
  /** The app's targets now. */
  targets(app: string): Promise<readonly Target[]>;
  /** Takes the target of replica `id` out of whichever app's routes hold it; resolves with that app, if any. */
  dropReplica(id: string): Promise<string | undefined>;
  /** Requests (and WebSockets) in flight to `targets` now. */
  inflight(targets: readonly Target[]): Promise<number>;
  /**
   * Waits until no request to `targets` is in flight (at most `timeoutMs`), then closes their WebSockets;
   * resolves with the requests still running when the timeout hit.
   */
  drain(targets: readonly Target[], timeoutMs: number): Promise<number>;
  /** An app stopped on purpose answers 503 (not 404) until it is routed again. */
  markStopped(app: string): Promise<void>;
  isStopped(app: string): Promise<boolean>;
  /** In maintenance an app's hosts answer a 503 maintenance page (with Retry-After) whatever its targets are. */
  setMaintenance(app: string, on: boolean): Promise<void>;
  /** Forgets an app: its targets, hostnames and settings. */
  removeApp(app: string): Promise<void>;
  /** The data plane's own metrics in Prometheus text format (HAProxy's exporter); absent where it has none. */
  metricsText?(): Promise<string>;

  /** A custom hostname for an app. */
  addHost(host: string, app: string): Promise<void>;
  removeHost(host: string): Promise<void>;
  /** Plain HTTP requests for the app's hosts that have a certificate go to HTTPS. */
  setHttpsRedirect(app: string, on: boolean): Promise<void>;
  /** Installs or replaces the certificate of `host` at once; throws when the pair is unusable. */
  installCertificate(host: string, certPem: string, keyPem: string): Promise<void>;
  removeCertificate(host: string): Promise<void>;
  /** The answer to an ACME HTTP-01 challenge, served before any app routing until cleared. */
  setChallenge(token: string, keyAuthorization: string): Promise<void>;
  clearChallenge(token: string): Promise<void>;

  /**
   * The app's router lines: the last `tail` requests in one batch, then with `follow` each new one until `signal`
   * aborts. Absent on a data plane that keeps no access log.
   */
  routerLog?(app: string, options: { tail: number; follow: boolean }, sink: RouterLogSink, signal: AbortSignal): Promise<void>;
}

export interface RouterLogSink {
  history(requests: RoutedRequest[]): void;
  request(request: RoutedRequest): void;
}

/** One request as the router saw it (one access log line). */
export interface RoutedRequest {
  /** When it was accepted, ISO 8601 with milliseconds (UTC). */
  time: string;
  method: string;
  path: string;
  host: string;
  client: string;
  status: number;
  bytes: number;
  /** Total time, accept to last byte, in ms. */
  totalMs: number;
  /** The start of the replica's container id, or undefined when no replica took it (a 503). */
  replica: string | undefined;
  retries: number;
  /** How the request ended, in words, when it ended early: the client left, the app closed the connection, ... */
  ended?: string;
}
