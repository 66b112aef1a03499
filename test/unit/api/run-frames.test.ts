import test from 'ava';
import { FRAME, FrameDecoder, encodeFrame } from '../../../src/api/run-frames.js';

test('frames split across chunks and several per chunk come out whole and in order', (t) => {
  const bytes = Buffer.concat([encodeFrame(FRAME.stdout, 'hello'), encodeFrame(FRAME.stderr, Buffer.from([0, 1, 2])), encodeFrame(FRAME.exit, '3')]);
  const decoder = new FrameDecoder();
  const frames = [];
  for (let i = 0; i < bytes.length; i += 4) frames.push(...decoder.push(bytes.subarray(i, i + 4)));
  t.deepEqual(
    frames.map((f) => [f.type, f.payload.toString('hex')]),
    [
      [FRAME.stdout, Buffer.from('hello').toString('hex')],
      [FRAME.stderr, '000102'],
      [FRAME.exit, Buffer.from('3').toString('hex')],
    ],
  );
});

test('an unknown frame type or an oversized frame is refused', (t) => {
  t.throws(() => new FrameDecoder().push(Buffer.from([9, 0, 0, 0, 0])));
  t.throws(() => new FrameDecoder().push(Buffer.from([1, 0xff, 0, 0, 0])));
});
