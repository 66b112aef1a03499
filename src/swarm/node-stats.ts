// Under Swarm, the resource use of replicas on the worker nodes, for `paas ps` and the app's metrics. The daemon's
// sampler reads this engine's containers only (the manager's), and no worker's Docker API is open to it. The stats
// agent is a global service on the workers that reads its own node's engine (its socket, mounted) every interval
// and prints one line per app container: its output reaches the daemon through the manager, as `paas logs` reads
// any service's, over the Swarm's own authenticated channel, so no port is opened anywhere. The daemon keeps a
// line only for a container that is the running task of an app's replica, under the app the manager knows it by.
import type { DockerClient } from '../docker/client.js';
import { isNotFound } from '../docker/client.js';
import { followContainer } from '../docker/logs.js';
import { LABEL } from '../docker/names.js';
import { rawStatsOf, type EngineStats, type RawStats } from '../docker/stats.js';
import { PaasError } from '../errors.js';
import { daemonLog } from '../log.js';
import type { MetricsHistory } from '../release/replica-metrics.js';
import { sampleOf } from '../release/replica-metrics.js';
import { ensureNodeService } from './node-service.js';
import type { RegistryAccess } from './registry-server.js';
import type { SwarmService, SwarmTask } from './service-spec.js';

export const NODE_STATS_NAME = 'paas-node-stats';

/** The history's origin of what the agent reports. */
export const NODE_STATS_ORIGIN = 'nodes';

const MARK = 'paas-stats';

/**
 * What the agent runs. Fixed text: the only value from outside is INTERVAL (checked to be a number of seconds); a
 * container id is used only once it matched 64 hex digits. Each container's reading goes to a file of its own and
 * the files are printed one after another, so lines never interleave. Its inspect output (which holds the app's
 * environment) is read for the start time only and never printed.
 */
export const NODE_STATS_SCRIPT = [
  'api() { curl -sf --max-time 10 --unix-socket /var/run/docker.sock "http://docker$1"; }',
  'while :; do',
  '  dir=$(mktemp -d)',
  `  for id in $(api '/containers/json?filters=%7B%22label%22%3A%5B%22${LABEL.replica}%22%5D%7D' | grep -o '"Id":"[0-9a-f]\\{64\\}"' | cut -d'"' -f4); do`,
  '    (',
  '      stats=$(api "/containers/$id/stats?stream=false") || exit 0',
  `      started=$(api "/containers/$id/json" | grep -o '"StartedAt":"[0-9TZ:.+-]*"' | head -n 1 | cut -d'"' -f4)`,
  `      printf '${MARK} %s %s %s\\n' "$id" "$started" "$stats" > "$dir/$id"`,
  '    ) &',
  '  done',
  '  wait',
  '  cat "$dir"/* 2>/dev/null',
  '  rm -rf "$dir"',
  '  sleep "$INTERVAL"',
  'done',
].join('\n');

/** Pure: the agent's service spec; throws on an interval that is not a whole number of seconds. */
export function nodeStatsSpec(image: string, intervalSeconds: number): Record<string, unknown> {
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1) throw new PaasError('PAAS_ERR_INVALID_INPUT', `not an interval: ${intervalSeconds}`);
  return {
    Name: NODE_STATS_NAME,
    Labels: { [LABEL.managed]: 'true', [LABEL.role]: 'node-stats' },
    Mode: { Global: {} },
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        Command: ['/bin/sh', '-c', NODE_STATS_SCRIPT],
        Env: [`INTERVAL=${intervalSeconds}`],
        Labels: { [LABEL.managed]: 'true', [LABEL.role]: 'node-stats' },
        Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Target: '/var/run/docker.sock', ReadOnly: true }],
        CapabilityDrop: ['ALL'],
      },
      Networks: [{ Target: 'host' }],
      Placement: { Constraints: ['node.role==worker'] },
      RestartPolicy: { Condition: 'any', Delay: 5e9 },
      Resources: { Limits: { MemoryBytes: 32 * 1024 * 1024 } },
      // Its output is read as it comes; the node keeps only the last few MB of it (some KB per replica per interval).
      LogDriver: { Name: 'json-file', Options: { 'max-size': '1m', 'max-file': '2' } },
    },
  };
}

/** Pure: one line of the agent's output as a container's reading, or undefined for anything else. */
export function parseStatsLine(text: string): { container: string; raw: RawStats } | undefined {
  const m = /^paas-stats ([0-9a-f]{64}) (\S*) (\{.*\})$/.exec(text.trim());
  if (!m) return undefined;
  let stats: EngineStats;
  try {
    stats = JSON.parse(m[3]!) as EngineStats;
  } catch {
    return undefined;
  }
  if (typeof stats !== 'object' || stats === null) return undefined;
  return { container: m[1]!, raw: rawStatsOf(stats, 0, m[2]!) };
}

/** Pure: the app of each running task's container of an app's replica (the manager's own word on it). */
export function replicaContainers(services: SwarmService[], tasks: SwarmTask[]): Map<string, string> {
  const apps = new Map<string, string>();
  for (const s of services) {
    const labels = s.Spec?.Labels ?? {};
    const app = labels[LABEL.app];
    if (app === undefined || labels[LABEL.replica] === undefined) continue;
    for (const t of tasks) {
      const container = t.Status?.ContainerStatus?.ContainerID;
      if (t.ServiceID === s.ID && t.Status?.State === 'running' && container) apps.set(container, app);
    }
  }
  return apps;
}

/** Creates the agent on the workers, or updates it when its interval changed. */
export function ensureNodeStats(docker: DockerClient, access: RegistryAccess, intervalSeconds: number): Promise<void> {
  return ensureNodeService(docker, access, NODE_STATS_NAME, (image) => nodeStatsSpec(image, intervalSeconds));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The ids of the agent's running tasks (one per worker), sorted. */
async function agentTasks(docker: DockerClient): Promise<string> {
  const tasks = (await docker.listTasks({ filters: { service: [NODE_STATS_NAME], 'desired-state': ['running'] } })) as SwarmTask[];
  return tasks
    .filter((t) => t.Status?.State === 'running')
    .map((t) => t.ID)
    .sort()
    .join(',');
}

/**
 * Follows the agent's output into `history` until `signal` aborts, and forgets the replicas it has not reported
 * for three intervals. It follows anew when the agent's tasks change (a node joined or left: a stream follows the
 * tasks there were when it began) or the stream ends.
 */
export function followNodeStats(docker: DockerClient, history: MetricsHistory, intervalMs: number, signal: AbortSignal): void {
  let apps = new Map<string, string>();
  let readAt = 0;
  const refresh = async () => {
    if (Date.now() - readAt < intervalMs / 2) return;
    readAt = Date.now();
    const services = (await docker.listServices({ filters: { label: [LABEL.app] } })) as SwarmService[];
    apps = replicaContainers(services, (await docker.listTasks({ filters: { 'desired-state': ['running'] } })) as SwarmTask[]);
  };
  let pending = Promise.resolve();
  const take = (text: string) => {
    const reading = parseStatsLine(text);
    if (!reading) return;
    // One refresh at a time, in the order lines came.
    pending = pending
      .then(refresh)
      .then(() => {
        const app = apps.get(reading.container);
        if (app !== undefined) history.add(reading.container, app, sampleOf(reading.raw, new Date()), NODE_STATS_ORIGIN);
      })
      .catch(() => undefined);
  };
  let following = { tasks: '', stop: new AbortController() };
  const watch = setInterval(() => {
    history.forgetSilentSince(new Date(Date.now() - 3 * intervalMs), NODE_STATS_ORIGIN);
    void agentTasks(docker)
      .then((tasks) => {
        if (tasks !== following.tasks) following.stop.abort();
      })
      .catch(() => undefined);
  }, intervalMs);
  watch.unref();
  signal.addEventListener('abort', () => (clearInterval(watch), following.stop.abort()), { once: true });
  void (async () => {
    while (!signal.aborted) {
      following = { tasks: await agentTasks(docker).catch(() => ''), stop: new AbortController() };
      await followContainer(docker, NODE_STATS_NAME, 0, (line) => take(line.text), following.stop.signal, 'service').catch((err: unknown) => {
        if (!signal.aborted && !following.stop.signal.aborted && !isNotFound(err)) daemonLog('swarm.node_stats.follow_failed', { error: err });
      });
      if (!signal.aborted && !following.stop.signal.aborted) await sleep(intervalMs);
    }
  })();
}
