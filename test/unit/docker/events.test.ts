import test from 'ava';
import { PassThrough } from 'node:stream';
import type { DockerClient } from '../../../src/docker/client.js';
import { followEvents, subscribeEvents, watchNodes, type DockerEvent, type NodeChange } from '../../../src/docker/events.js';

/** An engine whose event streams the test writes to, one per subscription, with the filters each was asked for. */
function fakeEngine() {
  const streams: PassThrough[] = [];
  const filters: unknown[] = [];
  let subscribed: () => void = () => undefined;
  const docker = {
    getEvents(options: { filters: unknown }) {
      const stream = new PassThrough();
      streams.push(stream);
      filters.push(options.filters);
      setImmediate(() => subscribed());
      return Promise.resolve(stream);
    },
  } as unknown as DockerClient;
  const nextSubscription = () => new Promise<void>((resolve) => (subscribed = resolve));
  return { docker, streams, filters, nextSubscription };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

test('events come whole across chunk boundaries; a line that is not JSON is skipped; an abort ends the stream', async (t) => {
  const engine = fakeEngine();
  const seen: DockerEvent[] = [];
  const stop = new AbortController();
  const { closed } = await subscribeEvents(engine.docker, { type: ['container'] }, (e) => seen.push(e), stop.signal);
  const stream = engine.streams[0]!;
  stream.write('{"Action":"start","id":"a');
  stream.write('bc"}\nnot json\n\n{"Action":"die","id":"def"}\n');
  await until(() => seen.length === 2);
  t.deepEqual(
    seen.map((e) => `${e.Action} ${e.id}`),
    ['start abc', 'die def'],
  );
  t.deepEqual(engine.filters, [{ type: ['container'] }]);
  stop.abort();
  await closed;
  t.true(stream.destroyed);
});

test('followed events survive the engine ending the stream: it subscribes again and later events still arrive', async (t) => {
  const engine = fakeEngine();
  const seen: string[] = [];
  const errors: unknown[] = [];
  const stop = new AbortController();
  const first = engine.nextSubscription();
  followEvents(
    engine.docker,
    { type: ['node'] },
    (e) => seen.push(e.Action ?? ''),
    stop.signal,
    (err) => errors.push(err),
  );
  await first;
  engine.streams[0]!.write('{"Action":"update"}\n');
  const second = engine.nextSubscription();
  engine.streams[0]!.end();
  await second;
  engine.streams[1]!.write('{"Action":"remove"}\n');
  await until(() => seen.length === 2);
  t.deepEqual(seen, ['update', 'remove']);
  t.deepEqual(errors, []);
  stop.abort();
  t.true(engine.streams[1]!.destroyed);
});

test("a node's change names the node and, when it has one, its new state", async (t) => {
  const engine = fakeEngine();
  const changes: NodeChange[] = [];
  const stop = new AbortController();
  const subscribed = engine.nextSubscription();
  watchNodes(
    engine.docker,
    (c) => changes.push(c),
    stop.signal,
    () => undefined,
  );
  await subscribed;
  engine.streams[0]!.write(
    '{"Type":"node","Action":"update","Actor":{"ID":"n1","Attributes":{"name":"worker-1","state.new":"down","state.old":"ready"}}}\n' +
      '{"Type":"node","Action":"remove","Actor":{"ID":"n2","Attributes":{}}}\n',
  );
  await until(() => changes.length === 2);
  t.deepEqual(changes, [
    { action: 'update', node: 'worker-1', state: 'down' },
    { action: 'remove', node: 'n2' },
  ]);
  t.deepEqual(engine.filters, [{ type: ['node'] }]);
  stop.abort();
});
