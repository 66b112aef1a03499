// CLI commands for the Swarm cluster's nodes: list, join, drain, activate, label.
import type { Command } from 'commander';
import type { NodeView } from '../swarm/nodes.js';
import { printList, streamToOut, type CliIo } from './io.js';

const nodePath = (name: string, rest: string) => `/nodes/${encodeURIComponent(name)}${rest}`;

export function registerNodeCommands(program: Command, io: CliIo): void {
  program
    .command('nodes')
    .description('the Swarm nodes (--scheduler swarm): role, state, availability and the replicas each runs')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const nodes = await io.client().call<NodeView[]>('GET', '/nodes');
      printList(io, nodes, opts.json, ['HOSTNAME', 'ROLE', 'STATE', 'AVAILABILITY', 'ADDRESS', 'REPLICAS', 'LABELS'], (n) => [
        n.hostname,
        n.role,
        n.state,
        n.availability,
        n.address,
        String(n.replicas),
        Object.entries(n.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      ]);
    });

  program
    .command('nodes:join-command')
    .description("what to run on a new host to add it as a worker (it trusts the registry's CA, then joins)")
    .action(async () => {
      const { lines } = await io.client().call<{ lines: string[] }>('GET', '/nodes/join-command');
      io.out(lines.join('\n') + '\n');
    });

  program
    .command('nodes:drain <node>')
    .description('move every replica off a node without a failed request (each is started elsewhere first), then drain it')
    .action(async (node: string) => {
      await streamToOut(io, nodePath(node, '/drain'), {});
    });

  program
    .command('nodes:label <node> <labels...>')
    .description('set labels on a node (KEY=VALUE; KEY= removes one), for ps:placement APP node.labels.KEY==VALUE')
    .action(async (node: string, labels: string[]) => {
      const result = await io.client().call<{ hostname: string; labels: Record<string, string> }>('PUT', nodePath(node, '/labels'), { labels });
      const shown = Object.entries(result.labels).map(([k, v]) => `${k}=${v}`);
      io.out(`${result.hostname} has labels: ${shown.join(' ') || '(none)'}\n`);
    });

  program
    .command('nodes:activate <node>')
    .description('let a drained node take replicas again (running ones do not move back by themselves)')
    .action(async (node: string) => {
      const { hostname } = await io.client().call<{ hostname: string }>('POST', nodePath(node, '/activate'));
      io.out(`${hostname} is active\n`);
    });
}
