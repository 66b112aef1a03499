// CLI commands about who may do what: SSH keys (admin or collaborator), API tokens, whoami.
import { STEP } from '../log.js';
import { Option, type Command } from 'commander';
import type { KeyRow } from '../store/keys.js';
import type { TokenRow } from '../store/tokens.js';
import type { EventRow } from '../store/events.js';
import type { DeliveryRow, WebhookRow } from '../store/webhooks.js';
import { appPath, printList, type CliIo } from './io.js';

interface AccessOpts {
  role?: string;
  app?: string[];
}

const accessOptions = (command: Command) =>
  command
    .addOption(new Option('--role <role>', 'admin: every app and command').choices(['admin', 'collaborator']))
    .option('--app <app...>', 'a collaborator: push to and run app commands for these apps only');

const accessBody = (opts: AccessOpts) => ({ ...(opts.role ? { role: opts.role } : {}), apps: opts.app ?? [] });
const accessText = (row: { role: string; apps: string[] }) => (row.role === 'admin' ? 'admin' : `collaborator on ${row.apps.join(', ')}`);

export function registerAccessCommands(program: Command, io: CliIo): void {
  program
    .command('webhooks <app>')
    .description("list an app's webhooks")
    .option('--json', 'print JSON')
    .action(async (app: string, opts: { json?: boolean }) => {
      const hooks = await io.client().call<WebhookRow[]>('GET', appPath(app, '/webhooks'));
      printList(io, hooks, opts.json, ['ID', 'URL', 'EVENTS', 'ADDED BY'], (h) => [h.id, h.url, h.events.join(','), h.createdBy]);
    });

  program
    .command('webhooks:add <app> <url>')
    .description('POST each release, build and CI event of APP to URL as JSON, signed (X-Paas-Signature-256: sha256=HMAC of the body), retried with back-off')
    .option('--events <list>', 'the events to send: release,build,ci,promote (default: all)')
    .option('--secret <secret>', 'the signing secret (default: a new one, shown once)')
    .action(async (app: string, url: string, opts: { events?: string; secret?: string }) => {
      const hook = await io.client().call<WebhookRow>('POST', appPath(app, '/webhooks'), { url, events: opts.events, secret: opts.secret });
      io.out(`${STEP}Webhook ${hook.id} sends ${hook.events.join(', ')} events of ${app} to ${hook.url}\n`);
      io.out(`       signing secret (shown once): ${hook.secret}\n`);
    });

  program
    .command('webhooks:remove <app> <id>')
    .description('stop sending events to a webhook')
    .action(async (app: string, id: string) => {
      await io.client().call('DELETE', appPath(app, `/webhooks/${encodeURIComponent(id)}`));
      io.out(`${STEP}Removed webhook ${id} of ${app}\n`);
    });

  program
    .command('webhooks:deliveries <app>')
    .description("an app's last 100 webhook deliveries: event, status, attempts, the last answer")
    .option('--json', 'print JSON')
    .action(async (app: string, opts: { json?: boolean }) => {
      const deliveries = await io.client().call<DeliveryRow[]>('GET', appPath(app, '/webhooks/deliveries'));
      printList(io, deliveries, opts.json, ['ID', 'WEBHOOK', 'EVENT', 'STATUS', 'ATTEMPTS', 'ANSWER', 'AT'], (d) => [
        d.id,
        d.webhookId,
        d.event,
        d.status,
        d.attempts,
        d.responseStatus ?? d.error ?? '',
        d.updatedAt,
      ]);
    });

  program
    .command('events [app]')
    .description('the audit trail: who deployed, changed config, scaled, rolled back, added keys and tokens, and when (the last 200)')
    .option('--json', 'print JSON')
    .action(async (app: string | undefined, opts: { json?: boolean }) => {
      const events = await io.client().call<EventRow[]>('GET', app ? appPath(app, '/events') : '/events');
      printList(io, events, opts.json, ['TIME', 'WHO', 'APP', 'WHAT'], (e) => [e.at, e.actor, e.app ?? '', e.action]);
    });

  accessOptions(
    program.command('keys:add <name>').description('register an SSH public key read from standard input: --role admin (the default) or --app APP'),
  ).action(async (name: string, opts: AccessOpts) => {
    const key = await io.client().call<KeyRow>('POST', '/keys', { name, publicKey: await io.readStdin(), ...accessBody(opts) });
    io.out(`${STEP}Added key ${key.name} (${key.fingerprint}), ${accessText(key)}\n`);
  });

  program
    .command('keys:list')
    .alias('keys')
    .description('list registered SSH keys')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const keys = await io.client().call<KeyRow[]>('GET', '/keys');
      printList(io, keys, opts.json, ['NAME', 'FINGERPRINT', 'ROLE', 'APPS'], (k) => [k.name, k.fingerprint, k.role, k.apps.join(',')]);
    });

  program
    .command('keys:remove <name>')
    .description('remove an SSH key')
    .action(async (name: string) => {
      await io.client().call('DELETE', `/keys/${encodeURIComponent(name)}`);
      io.out(`${STEP}Removed key ${name}\n`);
    });

  accessOptions(
    program
      .command('tokens:create <name>')
      .description('make an API token for remote use (shown once): --role admin (the default) or --app APP')
      .option('--expires-in <duration>', 'accepted for this long only (30m, 12h, 90d); default: until revoked'),
  ).action(async (name: string, opts: AccessOpts & { expiresIn?: string }) => {
    const body = { name, ...accessBody(opts), ...(opts.expiresIn ? { expiresIn: opts.expiresIn } : {}) };
    const token = await io.client().call<TokenRow & { token: string }>('POST', '/tokens', body);
    const until = token.expiresAt ? `, until ${token.expiresAt}` : '';
    io.out(`${STEP}Created token ${token.name}, ${accessText(token)}${until}; it is shown only now:\n${token.token}\n`);
  });

  program
    .command('tokens:list')
    .alias('tokens')
    .description('list API tokens (names and access; the tokens themselves are not stored)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const tokens = await io.client().call<TokenRow[]>('GET', '/tokens');
      const state = (t: TokenRow) =>
        t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt ? `${Date.parse(t.expiresAt) <= Date.now() ? 'expired' : 'expires'} ${t.expiresAt}` : 'active';
      printList(io, tokens, opts.json, ['NAME', 'ROLE', 'APPS', 'CREATED', 'STATE'], (t) => [t.name, t.role, t.apps.join(','), t.createdAt, state(t)]);
    });

  program
    .command('tokens:revoke <name>')
    .description('revoke an API token')
    .action(async (name: string) => {
      await io.client().call('DELETE', `/tokens/${encodeURIComponent(name)}`);
      io.out(`${STEP}Revoked token ${name}\n`);
    });

  program
    .command('whoami')
    .description('the key or token you are using and what it may do')
    .action(async () => {
      const me = await io.client().call<{ name: string; role: string; apps: string[] | null }>('GET', '/whoami');
      io.out(`${me.name}: ${me.role === 'admin' ? 'admin' : `collaborator on ${(me.apps ?? []).join(', ')}`}\n`);
    });
}
