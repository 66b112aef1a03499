// The app setting naming a buildpack: a bundled one by name, or a custom buildpack folder on the host.
import fs from 'node:fs';
import path from 'node:path';
import { PaasError } from '../errors.js';
import { BUNDLED_BUILDPACKS } from './detect-buildpack.js';

const SCRIPTS = ['bin/detect', 'bin/compile', 'bin/release'];

/** Checks a setting: a bundled name, or an absolute path to a folder with executable bin/detect, compile, release. */
export function checkBuildpackSetting(value: string): string {
  if ((BUNDLED_BUILDPACKS as readonly string[]).includes(value)) return value;
  if (!path.isAbsolute(value) || value.length > 1024 || /[\0\n]/.test(value)) {
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `buildpack must be one of ${BUNDLED_BUILDPACKS.join(', ')} or an absolute path to a buildpack folder on this host`,
    );
  }
  const folder = path.resolve(value);
  for (const script of SCRIPTS) {
    try {
      fs.accessSync(path.join(folder, script), fs.constants.X_OK);
    } catch {
      throw new PaasError('PAAS_ERR_INVALID_INPUT', `${folder} is not a buildpack: ${script} is missing or not executable`);
    }
  }
  return folder;
}

/** True when the setting names a folder on the host rather than a bundled buildpack. */
export function isCustomBuildpack(setting: string | null | undefined): setting is string {
  return typeof setting === 'string' && path.isAbsolute(setting);
}
