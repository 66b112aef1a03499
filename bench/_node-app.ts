// The benchmarks' app: a keep-alive Node server in a Dockerfile app, with the host's node binary copied in.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commitAll, git } from '../test/e2e/_daemon.js';

const SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'apps', 'node-hello');

/** A git work tree of bench/apps/node-hello plus the node binary, committed on main. */
export async function nodeAppRepo(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-bench-app-'));
  fs.cpSync(SOURCE, dir, { recursive: true });
  fs.copyFileSync(process.execPath, path.join(dir, 'node'));
  await git(dir, ['init', '-q', '-b', 'main']);
  await commitAll(dir, 'bench app');
  return dir;
}
