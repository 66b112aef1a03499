import test from 'ava';
import { cacheVanished } from '../../../src/docker/progress.js';

const id = 'f588a27bfb94c61fa057f0dfa3fdb6727550421782d29e4af5797adc1fcf815a';

test('a build is run again only when an image it took from the cache was deleted under it, not when the Dockerfile is wrong', (t) => {
  t.true(cacheVanished(`failed to export image: failed to set parent sha256:${id}: unknown parent image ID sha256:${id}`));
  t.true(cacheVanished(`No such image: sha256:${id}`));
  t.false(cacheVanished('No such image: debian:trixie'), 'a base image the host lacks is the Dockerfile to change');
  t.false(cacheVanished("The command '/bin/sh -c npm ci' returned a non-zero code: 1"));
  t.false(cacheVanished('COPY failed: file not found in build context or excluded by .dockerignore: stat app.js: file does not exist'));
});
