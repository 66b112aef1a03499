// CLI commands for how the router reaches an app: its port mappings, with Dokku's names and syntax (ports:report,
// ports:set, ports:clear), and the protocol it speaks to web (apps:upstream).
import type { Command } from 'commander';
import { parsePortMappings } from '../input/ports.js';
import { appPath, streamToOut, type CliIo } from './io.js';

interface PortsView {
  app: string;
  mappings: string | null;
  listening: number | null;
  from: string;
  upstream: 'h2c' | 'http1';
}

export function registerPortsCommands(program: Command, io: CliIo): void {
  program
    .command('ports:report <app>')
    .description("APP's port mappings and the port its web process listens on (its PORT, the router's target)")
    .option('--json', 'print JSON')
    .action(async (app: string, opts: { json?: boolean }) => {
      const view = await io.client().call<PortsView>('GET', appPath(app, '/ports'));
      if (opts.json) return io.out(JSON.stringify(view, null, 2) + '\n');
      io.out(
        `=====> ${view.app} ports\n` +
          `       Port map:        ${view.mappings ?? `http:80:${view.listening ?? 5000} (not set)`}\n` +
          `       Listening on:    ${view.listening ?? '(not deployed)'} (from ${view.from})\n` +
          `       Upstream:        ${view.upstream === 'h2c' ? 'h2c (HTTP/2 without TLS)' : 'HTTP/1.1'}\n`,
      );
    });

  program
    .command('ports:set <app> <mappings...>')
    .description(
      'set the port mappings, SCHEME:HOST-PORT:CONTAINER-PORT (http:80:3000): the web process then listens on (and gets PORT=) the container port; rolls out a release',
    )
    .action(async (app: string, mappings: string[]) => {
      parsePortMappings(mappings);
      await streamToOut(io, appPath(app, '/ports'), { ports: mappings });
    });

  program
    .command('apps:upstream <app> [protocol]')
    .description(
      'how the router talks to web: h2c (HTTP/2 without TLS, for gRPC servers) or http1 (the default); rolls out a release; without PROTOCOL, the one now',
    )
    .action(async (app: string, protocol: string | undefined) => {
      if (protocol === undefined) {
        const view = await io.client().call<PortsView>('GET', appPath(app, '/ports'));
        return io.out(`${view.upstream}\n`);
      }
      await streamToOut(io, appPath(app, '/upstream'), { protocol });
    });

  program
    .command('ports:clear <app>')
    .description('clear the port mappings: the port comes from a PORT config var, the image’s EXPOSE, or 5000 again')
    .action(async (app: string) => {
      await streamToOut(io, appPath(app, '/ports'), { clear: true });
    });
}
