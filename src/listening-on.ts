// The one wording of a listener that cannot start: which port, why, and which setting to change.
import { PaasError } from './errors.js';

/** Resolves with `listening`, or throws saying which port could not be taken and which flag chooses another. */
export async function listeningOn<T>(what: string, port: number, flag: string, listening: Promise<T>): Promise<T> {
  try {
    return await listening;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `cannot listen for ${what} on port ${port} (${code}): choose another with ${flag}`, { cause: err });
  }
}
