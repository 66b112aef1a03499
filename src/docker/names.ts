// Pure: the one place that names the Docker objects the daemon creates, and the label keys it puts on them.
// Names are unambiguous by construction: fields are joined with ".", which no app name (a DNS label) and no
// process type contains, so no app's object can carry another app's name (app "x" with type "y-web" is
// paas.x.y-web..., app "x-y" with type "web" is paas.x-y.web...). Image tags live in a repository per app.

import { createHash } from 'node:crypto';

/** Label keys on every container, volume, network and image the daemon creates. */
export const LABEL = {
  app: 'paas.app',
  release: 'paas.release',
  process: 'paas.process',
  replica: 'paas.replica',
  port: 'paas.port',
  /** h2c on a replica the router talks HTTP/2 to. */
  upstream: 'paas.upstream',
  oneOff: 'paas.one-off',
  tty: 'paas.tty',
  volume: 'paas.volume',
  managed: 'paas.managed',
  role: 'paas.role',
  ciRun: 'paas.ci-run',
  /** On images: the commit built, the buildpack that built it, the stack kind, the CI add-on. */
  sha: 'paas.sha',
  buildpack: 'paas.buildpack',
  stack: 'paas.stack',
  addon: 'paas.addon',
  /** On a backing service's container, volume and network: the service's name. */
  service: 'paas.service',
} as const;

/** A process container of a release: paas.APP.TYPE.vN.I */
export function containerName(app: string, process: string, version: number, index: number): string {
  return `paas.${app}.${process}.v${version}.${index}`;
}

/**
 * A process replica as a Swarm service (a DNS label: no "."): the container name with "-" for ".", cut to fit,
 * then a hash of the container name, which keeps apart what "-" alone would mix up (app "x" type "y-web" and app
 * "x-y" type "web"). `suffix` names the second service of a pair (a rolling restart).
 */
export function serviceName(app: string, process: string, version: number, index: number, suffix = ''): string {
  const full = containerName(app, process, version, index) + suffix;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 10);
  return `${full.replace(/\./g, '-').slice(0, 52)}-${hash}`;
}

/** A one-off container (`paas run`, a cron run): paas.APP.run-ID, paas.APP.cron-ID (process containers have five fields, this one three). */
export function oneOffName(app: string, id: string, process: 'run' | 'cron' = 'run'): string {
  return `paas.${app}.${process}-${id}`;
}

/** An app's persistent volume NAME (volume names may hold "." but the app field cannot). */
export function volumeName(app: string, name: string): string {
  return `paas.${app}.${name}`;
}

/**
 * The app's private network: its processes and one-offs, and the router's way in. Under Swarm an overlay, whose
 * name must be a DNS label (no "."): paas-net-APP, which no other object's name is.
 */
export function appNetworkName(app: string, driver: 'bridge' | 'overlay' = 'bridge'): string {
  return driver === 'overlay' ? `paas-net-${app}` : `paas.${app}`;
}

/** A CI run's private network for its add-on services. */
export function ciNetworkName(app: string, runId: number): string {
  return `paas.${app}.ci-${runId}`;
}

/** The app's image repository: release, dependency and CI images are tags in it, so they never mix with another app's. */
export function imageRepo(app: string): string {
  return `paas/app/${app}`;
}

/** A release image, e.g. paas/app/shop:v3. */
export function imageTag(app: string, version: number): { repo: string; tag: string; ref: string } {
  const repo = imageRepo(app);
  return { repo, tag: `v${version}`, ref: `${repo}:v${version}` };
}

/** A dependency image (buildpack builds), keyed by a content hash. */
export function depsImageName(app: string, hash: string): string {
  return `${imageRepo(app)}:deps-${hash}`;
}

/** Pure: whether an image tag of `app`'s repository is one of its dependency images. */
export function isDepsTag(app: string, repoTag: string): boolean {
  return repoTag.startsWith(`${imageRepo(app)}:deps-`);
}

/** The image a CI run tests. */
export function ciImageTag(app: string, sha: string): string {
  return `${imageRepo(app)}:ci-${sha.slice(0, 12)}`;
}

/**
 * A backing service's container, network and data volume: paas-service.NAME (.data for the volume, .exposed for
 * the bridge its published port goes through, only while `services:expose`d). App objects
 * start with "paas." and CI networks carry an app's name, so no app can name or reach these.
 */
export function serviceObjectName(service: string, part?: 'data' | 'exposed' | 'upgrade'): string {
  return part ? `paas-service.${service}.${part}` : `paas-service.${service}`;
}

/** The host name apps reach a service by on their network, as Dokku names it: paas-postgres-mydb. */
export function serviceAlias(kind: string, service: string): string {
  return `paas-${kind}-${service}`;
}
