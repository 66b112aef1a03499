import test from 'ava';
import protobuf from 'protobufjs';
import { decodeBuildkitStatus } from '../../../src/docker/buildkit-status.js';
import { BuildkitLines } from '../../../src/build/buildkit-output.js';

// A StatusResponse written field by field on the wire (field 1: vertex, field 3: log), as the engine sends it.
function encode(
  vertexes: { digest: string; name: string; cached?: boolean; started?: number; completed?: number; error?: string }[],
  logs: { vertex: string; msg: string }[] = [],
): string {
  const w = protobuf.Writer.create();
  const ts = (writer: protobuf.Writer, seconds: number) => writer.fork().uint32(8).int64(seconds).ldelim();
  for (const v of vertexes) {
    const fork = w.uint32(10).fork();
    fork.uint32(10).string(v.digest).uint32(26).string(v.name);
    if (v.cached) fork.uint32(32).bool(true);
    if (v.started !== undefined) ts(fork.uint32(42), v.started);
    if (v.completed !== undefined) ts(fork.uint32(50), v.completed);
    if (v.error) fork.uint32(58).string(v.error);
    fork.ldelim();
  }
  for (const l of logs) w.uint32(26).fork().uint32(10).string(l.vertex).uint32(34).bytes(Buffer.from(l.msg)).ldelim();
  return Buffer.from(w.finish()).toString('base64');
}

test('BuildKit’s progress reads like docker build --progress=plain: steps numbered, output, CACHED, DONE, ERROR', (t) => {
  const lines = new BuildkitLines();
  const seen = [
    encode([{ digest: 'a', name: '[internal] load build context' }]),
    encode([
      { digest: 'b', name: '[1/3] FROM paas/stack' },
      { digest: 'c', name: '[2/3] COPY a b .', cached: true },
    ]),
    encode([{ digest: 'd', name: '[3/3] RUN make', started: 10 }], [{ vertex: 'd', msg: 'compil' }]),
    encode([], [{ vertex: 'd', msg: 'ing\ndone\n' }]),
    encode([{ digest: 'd', name: '[3/3] RUN make', started: 10, completed: 12 }]),
    encode([{ digest: 'e', name: '[4/4] RUN false', started: 12, completed: 12, error: 'exit code: 1' }]),
  ].flatMap((event) => lines.lines(decodeBuildkitStatus(event)));
  t.deepEqual(seen, [
    '#1 [1/3] FROM paas/stack',
    '#2 [2/3] COPY a b .',
    '#2 CACHED',
    '#3 [3/3] RUN make',
    '#3 compiling',
    '#3 done',
    '#3 DONE 2.0s',
    '#4 [4/4] RUN false',
    '#4 ERROR: exit code: 1',
  ]);
});

test('a payload that is not BuildKit’s gives no lines rather than an error', (t) => {
  t.deepEqual(decodeBuildkitStatus('not base64 protobuf!'), { vertexes: [], logs: [] });
});
