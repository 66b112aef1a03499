// A real ACME server for tests: Debian's pebble (installed when missing) on loopback with its own TLS
// certificate, and a small DNS server (dns2) that answers the test hostnames with 127.0.0.1.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import dns2 from 'dns2';
import { freePort } from './_daemon.js';
import { selfSigned } from '../_self-signed.js';

export interface Pebble {
  directoryUrl: string;
  /** pebble's own TLS certificate: what the daemon must trust to talk to it. */
  tlsCaFile: string;
  /** The root that signs the certificates pebble issues (from /roots/0). */
  root(): Promise<string>;
  /** Starts pebble, its HTTP-01 checks going to `httpPort` (the router). */
  start(httpPort: number): Promise<void>;
  stop(): Promise<void>;
}

/** Installs Debian's pebble when it is missing (apt, no shell string). */
export function ensurePebble(): void {
  if (spawnSync('sh', ['-c', 'command -v pebble']).status === 0) return;
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'pebble'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: 'inherit',
  });
  if (install.status !== 0) throw new Error('apt-get install pebble failed');
}

/** A DNS server answering names that end with one of `suffixes` with 127.0.0.1, and NXDOMAIN otherwise. */
export async function startDns(suffixes: string[]): Promise<{ port: number; close(): Promise<void> }> {
  const { Packet } = dns2;
  const NXDOMAIN = 3;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const name = (request.questions[0]?.name ?? '').toLowerCase();
      const question = request.questions[0] as { type?: number } | undefined;
      if (!suffixes.some((s) => name.endsWith(s))) response.header.rcode = NXDOMAIN;
      else if (question?.type === Packet.TYPE.A)
        response.answers.push({
          name,
          type: Packet.TYPE.A,
          class: Packet.CLASS.IN,
          ttl: 60,
          address: '127.0.0.1',
        } as unknown as (typeof response.answers)[number]);
      send(response);
    },
  });
  const port = await freePort();
  await server.listen({ udp: { port, address: '127.0.0.1' } });
  return { port, close: async () => void (await server.close()) };
}

function fetchText(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** Prepares pebble on free loopback ports, resolving test names through `dnsPort`. */
export async function preparePebble(dnsPort: number): Promise<Pebble> {
  ensurePebble();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-pebble-'));
  const { cert, key } = selfSigned(dir, { cn: 'pebble', san: ['IP:127.0.0.1', 'DNS:localhost'], days: 2 });
  const [acmePort, managementPort, tlsPort] = [await freePort(), await freePort(), await freePort()];
  const ca = fs.readFileSync(cert);
  let child: ChildProcess | undefined;
  let log = '';
  return {
    directoryUrl: `https://127.0.0.1:${acmePort}/dir`,
    tlsCaFile: cert,
    root: async () => (await fetchText(`https://127.0.0.1:${managementPort}/roots/0`, ca)).body,
    async start(httpPort) {
      const config = path.join(dir, 'pebble-config.json');
      fs.writeFileSync(
        config,
        JSON.stringify({
          pebble: {
            listenAddress: `127.0.0.1:${acmePort}`,
            managementListenAddress: `127.0.0.1:${managementPort}`,
            certificate: cert,
            privateKey: key,
            httpPort,
            tlsPort,
            ocspResponderURL: '',
            externalAccountBindingRequired: false,
          },
        }),
      );
      child = spawn('pebble', ['-config', config, '-dnsserver', `127.0.0.1:${dnsPort}`], {
        env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (d) => (log += d));
      child.stderr?.on('data', (d) => (log += d));
      for (let i = 0; i < 100; i++) {
        if (
          await fetchText(`https://127.0.0.1:${acmePort}/dir`, ca).then(
            (r) => r.status === 200,
            () => false,
          )
        )
          return;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`pebble did not start:\n${log}`);
    },
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
