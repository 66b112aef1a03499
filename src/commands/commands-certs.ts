// CLI commands for HTTPS: automatic certificates (ACME), hand-installed ones, the HTTP -> HTTPS redirect.
import { STEP, ERROR } from '../log.js';
import { Argument, type Command } from 'commander';
import type { CertView } from '../tls/cert-view.js';
import { appPath, printList, streamToOut, type CliIo } from './io.js';

interface CertsAnswer {
  auto: boolean;
  redirect: boolean;
  directory: string;
  certificates: CertView[];
}

export function registerCertCommands(program: Command, io: CliIo): void {
  program
    .command('certs <app>')
    .description("an app's hostnames with their certificates: status, issuer, expiry, and the last renewal failure")
    .option('--json', 'print JSON')
    .action(async (app: string, opts: { json?: boolean }) => {
      const answer = await io.client().call<CertsAnswer>('GET', appPath(app, '/certs'));
      if (opts.json) return io.out(JSON.stringify(answer, null, 2) + '\n');
      io.out(
        `=====> ${app}: automatic certificates ${answer.auto ? `on (${answer.directory})` : 'off'}, HTTP redirects to HTTPS: ${answer.redirect ? 'on' : 'off'}\n`,
      );
      printList(io, answer.certificates, false, ['HOST', 'STATUS', 'SOURCE', 'ISSUER', 'EXPIRES'], (c) => [c.host, c.status, c.source, c.issuer, c.notAfter]);
      for (const c of answer.certificates.filter((x) => x.error)) io.out(`${ERROR}${c.host} (${c.errorAt}): ${c.error}\n`);
    });

  program
    .command('certs:auto <app>')
    .description("obtain and renew certificates for the app's hostnames through ACME (HTTP-01 answered by the router)")
    .option('--off', 'stop obtaining and renewing (installed certificates keep serving)')
    .action(async (app: string, opts: { off?: boolean }) => {
      if (!opts.off) return streamToOut(io, appPath(app, '/certs/auto'), { on: true });
      await io.client().call('POST', appPath(app, '/certs/auto'), { on: false });
      io.out(`${STEP}Automatic certificates off for ${app}; installed ones serve until they expire\n`);
    });

  program
    .command('certs:add <app> <cert> <key>')
    .description('install a PEM certificate chain and its private key (files) for the app hostnames it covers')
    .action(async (app: string, cert: string, key: string) => {
      const hosts = await io.client().call<string[]>('POST', appPath(app, '/certs'), { cert: await io.readFile(cert), key: await io.readFile(key) });
      io.out(`${STEP}Installed the certificate for ${hosts.join(', ')}\n`);
    });

  program
    .command('certs:remove <app> <host>')
    .description('remove the certificate of a hostname')
    .action(async (app: string, host: string) => {
      await io.client().call('DELETE', appPath(app, `/certs/${encodeURIComponent(host.toLowerCase())}`));
      io.out(`${STEP}Removed the certificate of ${host}\n`);
    });

  program
    .command('certs:redirect')
    .description('redirect plain HTTP requests to HTTPS for hostnames with a certificate')
    .argument('<app>')
    .addArgument(new Argument('<state>').choices(['on', 'off']))
    .action(async (app: string, state: 'on' | 'off') => {
      await io.client().call('PUT', appPath(app, '/certs/redirect'), { on: state === 'on' });
      io.out(`${STEP}HTTP to HTTPS redirects ${state} for ${app}\n`);
    });
}
