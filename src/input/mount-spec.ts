// Pure: a persistent mount as a user writes it (`NAME:/path`), checked.
import path from 'node:path';
import { PaasError } from '../errors.js';
import { VOLUME_NAME } from './patterns.js';

const NAME = VOLUME_NAME;
/** Paths a volume must not hide: the system's own. */
const RESERVED = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib64', '/proc', '/sbin', '/sys', '/usr'];

export function parseMountSpec(text: string): { name: string; path: string } {
  const match = /^([^:]+):(.+)$/.exec(text);
  if (!match) throw new PaasError('PAAS_ERR_INVALID_INPUT', `expected NAME:/path, such as data:/data; got ${JSON.stringify(text.slice(0, 80))}`);
  const [, name, target] = match as unknown as [string, string, string];
  if (!NAME.test(name))
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `invalid volume name ${JSON.stringify(name.slice(0, 80))}: use lowercase letters, digits, ".", "_" and "-"`);
  const normal = path.posix.normalize(target).replace(/(.)\/+$/, '$1');
  if (!target.startsWith('/') || normal !== target.replace(/\/+$/, '') || normal === '/' || target.length > 255 || /[\0\n:,]/.test(target)) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `invalid mount path ${JSON.stringify(target.slice(0, 80))}: use an absolute path such as /data`);
  }
  if (RESERVED.some((r) => normal === r || normal.startsWith(r + '/'))) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `${normal} is a system directory; mount volumes elsewhere, such as /data`);
  }
  return { name, path: normal };
}
