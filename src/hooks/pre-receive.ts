// The pre-receive hook's body: hands the pushed refs to the daemon, prints the job's log live, exits with its outcome.
import { httpClient } from '../api/client.js';
import { parseRefUpdates } from '../git/refs.js';
import { GIT_OBJECT_ENV_KEYS } from '../git/run-git.js';
import { asPaasError } from '../errors.js';
import { ERROR } from '../log.js';

async function main(): Promise<number> {
  const socket = process.env.PAAS_SOCKET;
  const app = process.env.PAAS_APP;
  if (!socket || !app) {
    process.stdout.write(`${ERROR}this repository only takes pushes through the paas SSH gateway\n`);
    return 1;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const refs = parseRefUpdates(Buffer.concat(chunks).toString('utf8'));
  const gitEnv = Object.fromEntries(GIT_OBJECT_ENV_KEYS.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
  let exit = 1;
  await httpClient({ socketPath: socket }).stream('/internal/receive', { app, refs, gitEnv, session: process.env.PAAS_SESSION }, (entry) => {
    if (typeof entry.line === 'string') process.stdout.write(entry.line + '\n');
    if (typeof entry.exit === 'number') exit = entry.exit;
  });
  return exit;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stdout.write(`${ERROR}${asPaasError(err).message}\n`);
    process.exit(1);
  },
);
