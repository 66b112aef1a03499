// bench/router: the data plane's cost, in one run against the same app container (nginx answering 100 bytes):
// wrk with 64 keep-alive connections, interleaved rounds of 5 s, through
//   direct (no proxy) | nginx, 1 worker (a config written here) | this project on HAProxy | this project's node router,
// and HAProxy's floor: the same HAProxy with a bare config written here (one frontend, one server, no rules) and the
// same access log straight to a file: what any HAProxy 2.6 data plane with an access log costs at least.
// Prints req/s, p50, p99 and the proxy process's CPU per request (utime + stime from /proc), with ratios to nginx.
// Each proxy runs on a core of its own, wrk and the app on the other (BENCH_PIN=0: no pinning).
// Loopback and the bench's own container only; every process it starts is stopped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { docker, freePort } from '../test/e2e/_daemon.js';
import { BODY, cpuSeconds, needTools, onLoadCore, parseWrk, PIN, ROUNDS, run, SECONDS, startApp, vanished, wrk, type Round } from './_router.js';
import { median } from './_bench.js';
import { selfSigned } from '../test/_self-signed.js';
import { HaproxyDataPlane } from '../src/router/haproxy/haproxy-data-plane.js';
import { NodeDataPlane } from '../src/router/node-data-plane.js';
import { stopHaproxy } from '../src/router/haproxy/haproxy-process.js';
import { haproxyBinary } from '../src/router/haproxy/haproxy-install.js';
import { runtimeCommand } from '../src/router/haproxy/runtime-api.js';
import { ACCESS_LOG_FORMAT } from '../src/router/haproxy/access-log.js';
import { SERVER_OPTIONS } from '../src/router/haproxy/haproxy-config.js';

async function main(): Promise<void> {
  await needTools();
  if (PIN) await run('taskset', ['-a', '-p', '-c', '1', String(process.pid)]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-bench-router-'));
  const app = await startApp();
  const target = { url: `http://${app.ip}:5000`, container: 'bench', release: 1, id: app.id };
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    // nginx, one worker, proxying with upstream keep-alive and an access log (the way Dokku and CapRover run it).
    const nginxPort = await freePort();
    const nginxTlsPort = await freePort();
    // A self-signed certificate for localhost: what both proxies serve over TLS.
    const tls = selfSigned(dir, { cn: 'localhost', san: ['DNS:localhost'], days: 1 });
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(
      conf,
      `worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/nginx.error.log;\nevents { worker_connections 4096; }\nhttp {\n  access_log ${dir}/nginx.access.log;\n` +
        `  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};\n` +
        `  upstream app { server ${app.ip}:5000; keepalive 64; }\n` +
        `  server { listen 127.0.0.1:${nginxPort}; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; } }\n` +
        // HTTPS with HTTP/2 (nginx 1.22's form), the same certificate and proxying.
        `  server { listen 127.0.0.1:${nginxTlsPort} ssl http2; ssl_certificate ${tls.cert}; ssl_certificate_key ${tls.key}; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; } }\n}\n`,
    );
    const nginx = spawn('nginx', ['-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
    children.push(nginx);
    await new Promise((r) => setTimeout(r, 500));
    const nginxWorker = Number((await run('pgrep', ['-P', String(nginx.pid)])).stdout.trim().split('\n')[0]);

    // HAProxy's floor: no routing, no header rules, no retries, the access log written to a file by HAProxy itself.
    const floorPort = await freePort();
    const floorConf = path.join(dir, 'haproxy-floor.cfg');
    fs.writeFileSync(
      floorConf,
      [
        'global',
        '  nbthread 1',
        '  log stdout format raw local0',
        'defaults',
        '  mode http',
        '  log global',
        `  log-format "${ACCESS_LOG_FORMAT}"`,
        '  timeout connect 5s',
        '  timeout client 60s',
        '  timeout server 60s',
        'frontend http',
        `  bind 127.0.0.1:${floorPort}`,
        '  default_backend app',
        'backend app',
        `  server app ${app.ip}:5000 ${SERVER_OPTIONS}`,
        '',
      ].join('\n'),
    );
    const floorLog = fs.openSync(path.join(dir, 'haproxy-floor.log'), 'a');
    const floor = spawn(haproxyBinary(), ['-db', '-f', floorConf], { stdio: ['ignore', floorLog, 'ignore'] });
    fs.closeSync(floorLog);
    children.push(floor);
    await new Promise((r) => setTimeout(r, 500));

    const haproxyPort = await freePort();
    const haproxyTlsPort = await freePort();
    const haproxy = new HaproxyDataPlane({
      dataDir: dir,
      domain: 'localhost',
      httpPort: haproxyPort,
      httpsPort: haproxyTlsPort,
      upstreamTimeoutMs: 60_000,
      host: '127.0.0.1',
      accessLog: process.env.PAAS_ACCESS_LOG !== '0',
    });
    await haproxy.start();
    cleanups.push(() => haproxy.close().then(() => stopHaproxy(haproxy.paths)));
    await haproxy.setTargets('bench', [target]);
    // Over TLS the app is also `localhost`: the one name that resolves here without a resolver of our own, so that
    // h2load sends it as SNI (HAProxy's HTTPS bind is strict-sni) and as :authority.
    await haproxy.addHost('localhost', 'bench');
    await haproxy.installCertificate('localhost', fs.readFileSync(tls.cert, 'utf8'), fs.readFileSync(tls.key, 'utf8'));
    const haproxyMaster = Number(fs.readFileSync(haproxy.paths.pidFile, 'utf8').trim());
    // The newest worker: the one the reload for the app's new backend started (the old one may still be leaving).
    const haproxyWorker = Number((await run('pgrep', ['-n', '-P', String(haproxyMaster)])).stdout.trim());
    // Read each round: the watchdog starts a new writer if one ended.
    const writerPids = () => (fs.existsSync(haproxy.paths.logWriterPid) ? [Number(fs.readFileSync(haproxy.paths.logWriterPid, 'utf8'))] : []);
    let logWriter = writerPids();

    const nodePort = await freePort();
    const nodePlane = new NodeDataPlane({ httpPort: nodePort, httpsPort: await freePort(), domain: 'localhost', upstreamTimeoutMs: 60_000, host: '127.0.0.1' });
    await nodePlane.start();
    cleanups.push(() => nodePlane.close());
    await nodePlane.setTargets('bench', [target]);

    // Direct: the same container at its own address (no proxy).
    const lines: Record<string, Round[]> = { direct: [], 'nginx 1 worker': [], haproxy: [], 'haproxy floor': [], 'node router': [] };
    const h2: Record<string, Round[]> = { 'nginx 1 worker': [], haproxy: [] };
    const handshakes: Record<string, Round[]> = { 'nginx 1 worker': [], haproxy: [] };
    let writerSeconds = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      h2['nginx 1 worker']!.push(await h2load(nginxTlsPort, [nginxWorker], false));
      h2.haproxy!.push(await h2load(haproxyTlsPort, [haproxyWorker, ...writerPids()], false));
      handshakes['nginx 1 worker']!.push(await h2load(nginxTlsPort, [nginxWorker], true));
      handshakes.haproxy!.push(await h2load(haproxyTlsPort, [haproxyWorker, ...writerPids()], true));
      lines.direct!.push(await wrkUrl(`http://${app.ip}:5000/`));
      lines['nginx 1 worker']!.push(await wrk(nginxPort, nginxWorker));
      logWriter = writerPids();
      const writerBefore = logWriter.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
      lines.haproxy!.push(await wrk(haproxyPort, [haproxyWorker, ...logWriter]));
      writerSeconds += logWriter.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - writerBefore;
      lines['haproxy floor']!.push(await wrk(floorPort, floor.pid));
      lines['node router']!.push(await wrk(nodePort, process.pid));
    }
    const med = (rs: Round[], key: keyof Round) => median(rs.map((r) => r[key] ?? NaN));
    const ref = lines['nginx 1 worker']!;
    console.log(
      `bench/router: wrk, 64 keep-alive connections, ${BODY.length}-byte body, ${ROUNDS} interleaved rounds of ${SECONDS} s (medians), ${os.cpus().length} cores` +
        (PIN ? '; each proxy on a core of its own (CPU 1), wrk and the app on CPU 0' : '; every process on every core'),
    );
    for (const [label, rs] of Object.entries(lines)) {
      const cpu = med(rs, 'cpuPerRequestUs');
      console.log(
        `${label.padEnd(15)} ${med(rs, 'rps').toFixed(0).padStart(7)} req/s (${(med(rs, 'rps') / med(ref, 'rps')).toFixed(2)}x nginx)  ` +
          `p50 ${med(rs, 'p50').toFixed(2)} ms  p99 ${med(rs, 'p99').toFixed(2)} ms (${(med(rs, 'p99') / med(ref, 'p99')).toFixed(2)}x)` +
          (Number.isNaN(cpu) ? '' : `  cpu ${cpu.toFixed(1)} us/request (${(cpu / med(ref, 'cpuPerRequestUs')).toFixed(2)}x)`),
      );
    }
    for (const [title, table, unit] of [
      [`HTTP/2 over TLS (h2load, 64 connections, 10 streams each, ${SECONDS} s)`, h2, 'req/s'],
      [`new TLS connections (h2load, HTTP/1.1, one request per connection, ${HANDSHAKES} connections)`, handshakes, 'handshakes/s'],
    ] as const) {
      console.log(title);
      const base = table['nginx 1 worker']!;
      for (const [label, rs] of Object.entries(table)) {
        const cpu = med(rs, 'cpuPerRequestUs');
        console.log(
          `${label.padEnd(15)} ${med(rs, 'rps').toFixed(0).padStart(7)} ${unit} (${(med(rs, 'rps') / med(base, 'rps')).toFixed(2)}x nginx)  ` +
            `mean ${med(rs, 'p50').toFixed(2)} ms (${(med(rs, 'p50') / med(base, 'p50')).toFixed(2)}x)  cpu ${cpu.toFixed(1)} us each (${(cpu / med(base, 'cpuPerRequestUs')).toFixed(2)}x)`,
        );
      }
    }
    const info = await runtimeCommand(haproxy.paths.adminSocket, 'show info', undefined, 2000);
    console.log(
      `haproxy's access log: ${process.env.PAAS_ACCESS_LOG === '0' ? 'off' : `on, ${/^DroppedLogs: (\d+)/m.exec(info)?.[1] ?? '?'} lines dropped`}` +
        (logWriter.length
          ? ` (its writer process counted in its cpu: ${((writerSeconds * 1e6) / lines.haproxy!.reduce((sum, r) => sum + r.rps * SECONDS, 0)).toFixed(1)} us/request of it)`
          : ''),
    );
    if (vanished.size) console.log(`note: processes ${[...vanished].join(', ')} ended while measured; their CPU in that round is not counted`);
    console.log('haproxy floor: the same HAProxy 3.0 with a bare config (no rules) and the same access log written to a file by itself');
    console.log('targets: HTTP/1.1 >= 1.0x nginx req/s, cpu per request <= 1.1x; HTTP/2 >= 1.0x; handshakes/s >= 1.0x; p99 <= 1.2x nginx in each');
    console.log('(h2load reports a mean time per request, not percentiles: the mean stands for the latency there)');
  } finally {
    for (const c of children) c.kill('SIGTERM');
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    await docker.getContainer(app.id).remove({ force: true });
  }
}

/** New connections per handshake round: each makes one request, so each is one full TLS handshake. */
const HANDSHAKES = Number(process.env.BENCH_HANDSHAKES ?? 3000);

/** Pure: h2load's summary as figures (rate, mean time per request in ms); failed requests are an error. */
function parseH2load(text: string): Round {
  const failed = /requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (\d+) failed, (\d+) errored/.exec(text);
  if (!failed || Number(failed[1]) + Number(failed[2]) > 0) throw new Error(`h2load saw failed requests:\n${text}`);
  const mean = /time for request:\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)/.exec(text);
  const ms = mean ? Number(mean[1]) * (mean[2] === 'us' ? 0.001 : mean[2] === 's' ? 1000 : 1) : NaN;
  return { rps: Number(/finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(text)?.[1] ?? NaN), p50: ms, p99: NaN };
}

/**
 * h2load against https://localhost:PORT: HTTP/2 with 64 connections of 10 streams for SECONDS, or (handshakes)
 * HANDSHAKES new HTTP/1.1 connections of one request each, opened as fast as the proxy takes them (up to 5,000/s);
 * with the CPU the proxy's processes used per request (per handshake).
 */
async function h2load(port: number, pids: number[], handshakes: boolean): Promise<Round> {
  const cpu = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const before = cpu();
  const args = handshakes
    ? ['--h1', '-c', String(HANDSHAKES), '-n', String(HANDSHAKES), '--rate', '500', '--rate-period', '100ms', '-t', '1']
    : ['-c', '64', '-m', '10', '-D', String(SECONDS), '-t', '1'];
  const { stdout } = await run(...onLoadCore(['h2load', ...args, `https://localhost:${port}/`]), { maxBuffer: 16 * 1024 * 1024 });
  const round = parseH2load(stdout);
  const done = Number(/(\d+) succeeded/.exec(stdout)?.[1] ?? NaN);
  round.cpuPerRequestUs = ((cpu() - before) * 1e6) / done;
  return round;
}

async function wrkUrl(url: string): Promise<Round> {
  const { stdout } = await run(...onLoadCore(['wrk', '-t1', '-c64', `-d${SECONDS}s`, '--latency', url]));
  return parseWrk(stdout);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
