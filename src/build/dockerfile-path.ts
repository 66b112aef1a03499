// Pure: a Dockerfile path as `apps:dockerfile-path` takes it: inside the repository, plainly written.
import path from 'node:path';
import { PaasError } from '../errors.js';

/** The checked, normalised path (relative to the repository's root); throws PAAS_ERR_INVALID_INPUT otherwise. */
export function checkDockerfilePath(value: string): string {
  const normal = path.posix.normalize(value);
  if (!/^[A-Za-z0-9_][A-Za-z0-9._/-]{0,254}$/.test(value) || normal !== value || normal.split('/').includes('..') || value.endsWith('/')) {
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `invalid Dockerfile path ${JSON.stringify(value.slice(0, 80))}: give a path inside the repository, such as docker/web.Dockerfile`,
    );
  }
  return normal;
}
