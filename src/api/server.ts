// The local admin API on a unix socket in the data dir: the CLI and the pre-receive hook talk to the daemon here.
import fs from 'node:fs';
import http from 'node:http';
import type { Services } from '../services.js';
import { PaasError, asPaasError } from '../errors.js';
import { daemonLog } from '../log.js';
import { createApp, destroyApp } from '../apps.js';
import { addKey } from '../keys.js';
import { listApps } from '../store/apps.js';
import { deleteKey, listKeys } from '../store/keys.js';
import { getBuildLog, listBuilds } from '../store/builds.js';
import { getApp, setAppBuildpack, setDeployBranch } from '../store/apps.js';
import { checkBuildpackSetting } from '../build/buildpack-setting.js';
import { listReleases } from '../store/releases.js';
import { checkAppName } from '../app-name.js';
import { checkPushRequest, submitPush } from '../queue/submit-push.js';
import { appUrl } from '../config.js';
import { getCiRun, listCiRuns } from '../store/ci-runs.js';
import { checkRefName, submitCiRun } from '../queue/submit-ci.js';
import { checkConfigChange, submitConfig } from '../queue/submit-config.js';
import { submitScale } from '../queue/submit-scale.js';
import { parseFormation } from '../release/formation.js';
import { processViews } from '../release/process-view.js';
import { listAppContainers } from '../docker/containers.js';
import { releaseViews } from '../release/release-view.js';
import { diffReleases } from '../release/release-diff.js';
import { submitRollback } from '../queue/submit-rollback.js';
import { parseVersionArg } from '../release/version-arg.js';

const MAX_BODY = 1024 * 1024;

type Handler = (services: Services, params: string[], body: unknown, res: http.ServerResponse, req: http.IncomingMessage) => Promise<unknown>;

const ROUTES: [string, RegExp, Handler][] = [
  ['GET', /^\/health$/, async () => ({ ok: true })],
  ['GET', /^\/apps$/, async (s) => (await listApps(s.db)).map((a) => ({ ...a, url: appUrl(s.config, a.name) }))],
  ['POST', /^\/apps$/, async (s, _p, body) => createApp(s, String((body as { name?: unknown })?.name ?? ''))],
  ['DELETE', /^\/apps\/([^/]+)$/, async (s, [name]) => destroyApp(s, name!).then(() => ({ ok: true }))],
  ['GET', /^\/apps\/([^/]+)\/builds$/, async (s, [name]) => listBuilds(s.db, (await getApp(s.db, checkAppName(name!))).name)],
  ['GET', /^\/apps\/([^/]+)\/builds\/(\d{1,12})\/log$/, async (s, [name, id]) => ({ log: await getBuildLog(s.db, checkAppName(name!), Number(id)) })],
  ['GET', /^\/apps\/([^/]+)\/releases$/, async (s, [name]) => releaseViews(await listReleases(s.db, (await getApp(s.db, checkAppName(name!))).name))],
  ['GET', /^\/apps\/([^/]+)\/releases\/diff\/v?(\d{1,9})\/v?(\d{1,9})$/, async (s, [name, a, b]) => diffReleases(s, checkAppName(name!), Number(a), Number(b))],
  ['POST', /^\/apps\/([^/]+)\/rollback$/, async (s, [name], body, res, req) => {
    const version = parseVersionArg((body as { version?: string } | undefined)?.version);
    return streamLines(res, req, (write, signal) => submitRollback(s, checkAppName(name!), version, write, signal));
  }],
  ['GET', /^\/apps\/([^/]+)\/ci$/, async (s, [name]) => listCiRuns(s.db, (await getApp(s.db, checkAppName(name!))).name)],
  ['GET', /^\/apps\/([^/]+)\/ci\/(\d{1,12})$/, async (s, [name, id]) => getCiRun(s.db, checkAppName(name!), Number(id))],
  ['POST', /^\/apps\/([^/]+)\/ci$/, async (s, [name], body, res, req) => {
    const ref = (body as { ref?: unknown } | undefined)?.ref;
    return streamLines(res, req, (write, signal) => submitCiRun(s, checkAppName(name!), typeof ref === 'string' ? ref : undefined, write, signal));
  }],
  ['PUT', /^\/apps\/([^/]+)\/buildpack$/, async (s, [name], body) => {
    const app = (await getApp(s.db, checkAppName(name!))).name;
    const value = (body as { buildpack?: unknown } | undefined)?.buildpack;
    const setting = value === null || value === undefined || value === '' ? null : checkBuildpackSetting(String(value));
    await setAppBuildpack(s.db, app, setting);
    return { app, buildpack: setting };
  }],
  ['GET', /^\/apps\/([^/]+)\/config$/, async (s, [name]) => (await getApp(s.db, checkAppName(name!))).config],
  ['POST', /^\/apps\/([^/]+)\/config$/, async (s, [name], body, res, req) => {
    const app = (await getApp(s.db, checkAppName(name!))).name;
    const change = checkConfigChange(body);
    return streamLines(res, req, (write, signal) => submitConfig(s, app, change, write, signal));
  }],
  ['GET', /^\/apps\/([^/]+)\/ps$/, async (s, [name]) => processViews(await listAppContainers(s.docker, (await getApp(s.db, checkAppName(name!))).name))],
  ['POST', /^\/apps\/([^/]+)\/scale$/, async (s, [name], body, res, req) => {
    const app = (await getApp(s.db, checkAppName(name!))).name;
    const args = (body as { formation?: unknown } | undefined)?.formation;
    if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'formation must be a list of TYPE=N');
    parseFormation(args as string[]);
    return streamLines(res, req, (write, signal) => submitScale(s, app, args as string[], write, signal));
  }],
  ['PUT', /^\/apps\/([^/]+)\/deploy-branch$/, async (s, [name], body) => {
    const app = (await getApp(s.db, checkAppName(name!))).name;
    const value = (body as { branch?: unknown } | undefined)?.branch;
    const branch = value === null || value === undefined || value === '' ? null : checkRefName(String(value)).replace(/^refs\/heads\//, '');
    await setDeployBranch(s.db, app, branch);
    return { app, deployBranch: branch };
  }],
  ['GET', /^\/keys$/, async (s) => listKeys(s.db)],
  ['POST', /^\/keys$/, async (s, _p, body) => {
    const { name, publicKey } = (body ?? {}) as { name?: unknown; publicKey?: unknown };
    return addKey(s.db, String(name ?? ''), String(publicKey ?? ''));
  }],
  ['DELETE', /^\/keys\/([^/]+)$/, async (s, [name]) => deleteKey(s.db, decodeURIComponent(name!)).then(() => ({ ok: true }))],
  ['POST', /^\/internal\/receive$/, receive],
];

/** Streams a job's lines as NDJSON ({"line"} ... then {"exit"}); stops following when the caller goes away. */
async function streamLines(
  res: http.ServerResponse,
  req: http.IncomingMessage,
  run: (write: (line: string) => void, signal: AbortSignal) => Promise<number>,
): Promise<undefined> {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const abort = new AbortController();
  req.socket.on('close', () => abort.abort());
  const exit = await run((line) => res.write(JSON.stringify({ line }) + '\n'), abort.signal);
  res.end(JSON.stringify({ exit }) + '\n');
  return undefined;
}

/** The hook hands over a push; its lines go back as they come. */
async function receive(services: Services, _params: string[], body: unknown, res: http.ServerResponse, req: http.IncomingMessage): Promise<undefined> {
  const request = checkPushRequest(body);
  return streamLines(res, req, (write, signal) => submitPush(services, request, write, signal));
}

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the caller still gets the error as an answer.
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return reject(new PaasError('PAAS_ERR_INVALID_INPUT', 'request body over 1 MB'));
      if (size === 0) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new PaasError('PAAS_ERR_INVALID_INPUT', 'request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

async function handle(services: Services, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  try {
    const route = ROUTES.find(([method, pattern]) => method === req.method && pattern.test(path));
    if (!route) throw new PaasError('PAAS_ERR_UNKNOWN_COMMAND', `no such API route: ${req.method} ${path}`);
    const params = (route[1].exec(path) ?? []).slice(1);
    const body = await readBody(req);
    const result = await route[2](services, params, body, res, req);
    if (result !== undefined && !res.headersSent) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    }
  } catch (err) {
    const error = asPaasError(err);
    if (error.code === 'PAAS_ERR_INTERNAL') daemonLog('api.error', { path, error: err instanceof Error ? err.stack : err });
    if (res.headersSent) {
      res.end(JSON.stringify({ line: ` !     ${error.message}` }) + '\n' + JSON.stringify({ exit: 1 }) + '\n');
      return;
    }
    res.writeHead(error.httpStatus, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: error.toJSON() }));
  }
}

/** Listens on the unix socket `socketPath` (mode 0600: root only). */
export async function startAdminApi(services: Services, socketPath: string): Promise<http.Server> {
  fs.rmSync(socketPath, { force: true });
  const server = http.createServer((req, res) => void handle(services, req, res));
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  fs.chmodSync(socketPath, 0o600);
  return server;
}
