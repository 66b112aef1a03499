// Pure: what a push may do beyond git's own checks. A key that is not an admin's pushes branches and tags only
// (refs/notes/*, refs/pull/* and the like would be stored and never built: disk for nothing), and no push may
// grow an app's repository past the limit.
import bytes from 'bytes';
import { PaasError } from '../errors.js';
import type { RefUpdate } from './refs.js';

const PLAIN_REF = /^refs\/(heads|tags)\//;

/** Throws the one-line refusal of a push, or returns when it may go on. */
export function checkPushPolicy(refs: RefUpdate[], pusher: { admin: boolean }, repoBytes: number, maxBytes: number): void {
  const other = pusher.admin ? undefined : refs.find((r) => !PLAIN_REF.test(r.ref));
  if (other)
    throw new PaasError(
      'PAAS_ERR_PERMISSION_DENIED',
      `only branches and tags can be pushed here (refs/heads/*, refs/tags/*); ${other.ref.slice(0, 100)} is refused: an admin key may push other refs`,
    );
  if (repoBytes > maxBytes)
    throw new PaasError(
      'PAAS_ERR_QUOTA',
      `this push would make the app's repository ${bytes.format(repoBytes, { unitSeparator: ' ' })}, over its limit of ${bytes.format(maxBytes, { unitSeparator: ' ' })}: push less history or large files elsewhere, or an admin raises PAAS_REPO_MAX_SIZE`,
    );
}
