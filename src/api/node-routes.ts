// The API's routes for the Swarm cluster's nodes (admins only).
import { Streamed, type Route } from './dispatch.js';
import { activateNode, drainNode, joinCommand, labelNode, nodesList } from '../swarm/nodes.js';

const NODE = '([A-Za-z0-9][A-Za-z0-9._-]{0,127})';

export const NODE_ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/nodes$/, scope: 'admin', handler: async (c) => nodesList(c.services) },
  { method: 'GET', pattern: /^\/nodes\/join-command$/, scope: 'admin', handler: async (c) => joinCommand(c.services) },
  {
    method: 'POST',
    pattern: new RegExp(`^/nodes/${NODE}/drain$`),
    scope: 'admin',
    audit: (c) => `nodes:drain ${c.params[0] ?? ''}`,
    handler: async (c) => new Streamed((write, signal) => drainNode(c.services, c.params[0]!, write, signal)),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/nodes/${NODE}/activate$`),
    scope: 'admin',
    audit: (c) => `nodes:activate ${c.params[0] ?? ''}`,
    handler: async (c) => activateNode(c.services, c.params[0]!),
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/nodes/${NODE}/labels$`),
    scope: 'admin',
    audit: (c) => `nodes:label ${c.params[0] ?? ''}`,
    handler: async (c) => {
      const changes = (c.body as { labels?: unknown } | undefined)?.labels;
      return labelNode(c.services, c.params[0]!, Array.isArray(changes) ? changes.map(String) : []);
    },
  },
];
