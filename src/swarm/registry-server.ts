// Under Swarm, the cluster's image registry: Debian's docker-registry (the CNCF Distribution registry) supervised by
// the daemon on the manager, over TLS from a CA the daemon creates, with a password only the daemon knows. Its
// data, certificates and config live in the data dir; nodes trust the CA through /etc/docker/certs.d.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import YAML from 'yaml';
import { PaasError } from '../errors.js';
import { daemonLog } from '../log.js';
import { createRegistryCa, createRegistryCert } from './registry-tls.js';

/** Where an image registry is and how to sign in to it. */
export interface RegistryAccess {
  /** HOST:PORT, the prefix of every image reference pushed to it. */
  address: string;
  username?: string;
  password?: string;
  /** The CA its certificate is signed by (PEM), when it is not one the system trusts (the daemon's own). */
  ca?: string;
}

/** Where Docker engines look for a registry's CA (no restart needed to pick one up). */
export const DOCKER_CERTS_DIR = '/etc/docker/certs.d';

/** Pure: the registry's config file: TLS, htpasswd, deletes allowed (for garbage collection), its own dir. */
export function registryConfig(dir: string, address: string): string {
  return YAML.stringify({
    version: 0.1,
    log: { level: 'info', formatter: 'text', accesslog: { disabled: false } },
    storage: { filesystem: { rootdirectory: path.join(dir, 'data') }, delete: { enabled: true } },
    http: {
      addr: address,
      tls: { certificate: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key') },
      headers: { 'X-Content-Type-Options': ['nosniff'] },
    },
    auth: { htpasswd: { realm: 'paas-registry', path: path.join(dir, 'htpasswd') } },
  });
}

function write(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o600 });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = net.connect(port, host);
    conn.setTimeout(1000, () => conn.destroy());
    conn.once('connect', () => {
      conn.destroy();
      resolve(true);
    });
    conn.once('error', () => resolve(false));
    conn.once('close', () => resolve(false));
  });
}

/** The pid in `pidFile` when that process is a live docker-registry (one a killed daemon left behind). */
function strayPid(pidFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1) return undefined;
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('docker-registry') ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The daemon's own registry: a docker-registry child restarted when it dies, until stop(). */
export class SupervisedRegistry {
  readonly dir: string;
  private child: ChildProcess | undefined;
  private stopping = false;

  constructor(
    dataDir: string,
    private readonly host: string,
    private readonly port: number,
    private readonly certsDir = DOCKER_CERTS_DIR,
  ) {
    this.dir = path.join(dataDir, 'registry');
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** The CA nodes must trust (PEM), written to /etc/docker/certs.d/ADDRESS/ca.crt on each. */
  caPem(): string {
    return fs.readFileSync(path.join(this.dir, 'ca.crt'), 'utf8');
  }

  /** Where the CA goes on a node. */
  caPathOnNodes(): string {
    return path.join(this.certsDir, this.address, 'ca.crt');
  }

  /** Creates what is missing (CA, certificate for the address, password), starts the registry, resolves once it listens. */
  async start(): Promise<RegistryAccess> {
    fs.mkdirSync(path.join(this.dir, 'data'), { recursive: true, mode: 0o700 });
    const ca = await this.ensureCa();
    const hostFile = path.join(this.dir, 'server.host');
    if (!fs.existsSync(path.join(this.dir, 'server.crt')) || (fs.existsSync(hostFile) ? fs.readFileSync(hostFile, 'utf8') : '') !== this.host) {
      const cert = await createRegistryCert(ca, this.host);
      write(path.join(this.dir, 'server.crt'), cert.certPem + ca.certPem);
      write(path.join(this.dir, 'server.key'), cert.keyPem);
      write(hostFile, this.host);
    }
    const credentials = this.ensureCredentials();
    write(path.join(this.dir, 'config.yml'), registryConfig(this.dir, this.address));
    // This engine pushes to it: it trusts the CA like every node.
    fs.mkdirSync(path.dirname(this.caPathOnNodes()), { recursive: true });
    fs.writeFileSync(this.caPathOnNodes(), ca.certPem);

    const stray = strayPid(path.join(this.dir, 'registry.pid'));
    if (stray !== undefined) {
      daemonLog('registry.stray', { pid: stray, action: 'stopping it before starting a new one' });
      process.kill(stray, 'SIGTERM');
      for (let i = 0; i < 100 && (await canConnect(this.host, this.port)); i++) await new Promise((r) => setTimeout(r, 50));
    }
    process.once('exit', () => {
      if (this.child && this.child.exitCode === null) this.child.kill('SIGTERM');
    });
    this.spawnChild();
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (await canConnect(this.host, this.port)) return { address: this.address, ...credentials, ca: ca.certPem };
      if (this.child?.exitCode != null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new PaasError(
      'PAAS_ERR_REGISTRY',
      `docker-registry did not start on ${this.address} (see ${path.join(this.dir, 'registry.log')}; apt-get install docker-registry)`,
    );
  }

  /**
   * Deletes the blobs no manifest refers to any more (docker-registry garbage-collect) and says how many there were.
   * The registry keeps serving pulls; the caller makes sure no push runs meanwhile (an upload's blobs are not yet
   * referred to).
   */
  async garbageCollect(): Promise<number> {
    // Nothing pushed yet: garbage-collect fails on a registry without repositories.
    if (!fs.existsSync(path.join(this.dir, 'data', 'docker', 'registry', 'v2', 'repositories'))) return 0;
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('docker-registry', ['garbage-collect', path.join(this.dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0
          ? resolve(text)
          : reject(new PaasError('PAAS_ERR_REGISTRY', `docker-registry garbage-collect failed (exit ${code}): ${text.trim().split('\n').pop() ?? ''}`)),
      );
    });
    return Number(/(\d+) blobs and \d+ manifests eligible for deletion/.exec(output)?.[1] ?? 0);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  }

  private async ensureCa(): Promise<{ certPem: string; keyPem: string }> {
    const certFile = path.join(this.dir, 'ca.crt');
    const keyFile = path.join(this.dir, 'ca.key');
    if (fs.existsSync(certFile) && fs.existsSync(keyFile)) return { certPem: fs.readFileSync(certFile, 'utf8'), keyPem: fs.readFileSync(keyFile, 'utf8') };
    const ca = await createRegistryCa();
    write(keyFile, ca.keyPem);
    fs.writeFileSync(certFile, ca.certPem, { mode: 0o644 });
    return ca;
  }

  private ensureCredentials(): { username: string; password: string } {
    const file = path.join(this.dir, 'credentials.json');
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as { username: string; password: string };
    const credentials = { username: 'paas', password: randomBytes(24).toString('hex') };
    write(path.join(this.dir, 'htpasswd'), `${credentials.username}:${bcrypt.hashSync(credentials.password, 10)}\n`);
    write(file, JSON.stringify(credentials));
    return credentials;
  }

  private spawnChild(): void {
    const log = fs.openSync(path.join(this.dir, 'registry.log'), 'a', 0o600);
    const child = spawn('docker-registry', ['serve', path.join(this.dir, 'config.yml')], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.child = child;
    if (child.pid) write(path.join(this.dir, 'registry.pid'), String(child.pid));
    child.on('error', (err) => daemonLog('registry.error', { error: err }));
    child.on('exit', (code, signal) => {
      if (this.stopping) return;
      daemonLog('registry.exited', { code, signal, action: 'restarting in 1s' });
      setTimeout(() => {
        if (!this.stopping) this.spawnChild();
      }, 1000).unref();
    });
  }
}
