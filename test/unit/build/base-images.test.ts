import test from 'ava';
import { baseImages } from '../../../src/build/base-images.js';

test('the bases a Dockerfile builds on: FROM, COPY --from and RUN --mount from=, ARG defaults filled, stages left out', (t) => {
  const dockerfile = [
    'ARG BASE=debian:bookworm-slim',
    'FROM ${BASE} AS build',
    'RUN make',
    'FROM --platform=linux/amd64 paas/app/other:v3',
    'COPY --from=build /out /out',
    'COPY --from=paas/app/victim:v1 /app /stolen',
    'RUN --mount=type=bind,from=paas/app/victim:v2,target=/v cat /v/secret',
    '# FROM commented:out',
    'FROM scratch',
    'FROM $UNSET',
  ].join('\n');
  t.deepEqual(baseImages(dockerfile), ['debian:bookworm-slim', 'paas/app/other:v3', 'paas/app/victim:v1', 'paas/app/victim:v2', '$UNSET']);
  t.deepEqual(baseImages('FROM node:20 \\\n  AS deps\nCOPY --from=deps /a /b\nCOPY --from=0 /a /c'), ['node:20']);
});

test("the app's build args fill ARGs before the bases are judged, so a build arg cannot name another app's image unseen", (t) => {
  const dockerfile = 'ARG BASE=debian:bookworm-slim\nARG TAG\nFROM ${BASE}\nCOPY --from=paas/app/shop:${TAG} /a /b\n';
  t.deepEqual(baseImages(dockerfile), ['debian:bookworm-slim', 'paas/app/shop:${TAG}']);
  t.deepEqual(baseImages(dockerfile, { BASE: 'paas/app/victim:v1', TAG: 'v2' }), ['paas/app/victim:v1', 'paas/app/shop:v2']);
});
