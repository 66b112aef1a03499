import test from 'ava';
import { buildEventLines } from '../../../src/build/build-output.js';

test('build steps and command output are shown, intermediate ids are not', (t) => {
  t.deepEqual(buildEventLines({ stream: 'Step 1/3 : FROM debian:bookworm-slim\n' }), ['Step 1/3 : FROM debian:bookworm-slim']);
  t.deepEqual(buildEventLines({ stream: ' ---> 0123456789ab\n' }), []);
  t.deepEqual(buildEventLines({ stream: ' ---> Running in 0123456789ab\n' }), []);
  t.deepEqual(buildEventLines({ stream: 'line one\r\nline two\n\n' }), ['line one', 'line two']);
});
