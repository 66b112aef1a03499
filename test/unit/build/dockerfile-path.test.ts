import test from 'ava';
import { checkDockerfilePath } from '../../../src/build/dockerfile-path.js';

test('a Dockerfile path stays inside the repository and is plainly written', (t) => {
  t.is(checkDockerfilePath('docker/web.Dockerfile'), 'docker/web.Dockerfile');
  t.is(checkDockerfilePath('Dockerfile.prod'), 'Dockerfile.prod');
  for (const bad of ['../etc/passwd', '/etc/passwd', 'a/../../b', 'docker/', './Dockerfile', 'a//b', '-f', 'a b', 'x;rm']) {
    t.throws(() => checkDockerfilePath(bad), { message: /invalid Dockerfile path/ }, bad);
  }
});
