// Pure parsing of what a push updates, and which of it deploys.
import { PaasError } from '../errors.js';

export const ZERO_SHA = /^0+$/;
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const REF = /^refs\/[A-Za-z0-9._/+-]{1,250}$/;

export interface RefUpdate {
  oldSha: string;
  newSha: string;
  ref: string;
}

/** True for a full lowercase hex object id (SHA-1 or SHA-256). */
export function isSha(value: string): boolean {
  return SHA.test(value);
}

/** Checks one ref update as received from git (or from the hook over the admin API). */
export function checkRefUpdate(update: RefUpdate): RefUpdate {
  if (!isSha(update.oldSha) || !isSha(update.newSha) || !REF.test(update.ref) || update.ref.includes('..')) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `invalid ref update ${JSON.stringify(update).slice(0, 200)}`);
  }
  return update;
}

/** Parses pre-receive's standard input: one "<old> <new> <ref>" line per updated ref. */
export function parseRefUpdates(text: string): RefUpdate[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^(\S+) (\S+) (\S+)$/.exec(line.trim());
      if (!match) throw new PaasError('PAAS_ERR_INVALID_INPUT', `invalid ref update line ${JSON.stringify(line.slice(0, 200))}`);
      return checkRefUpdate({ oldSha: match[1]!, newSha: match[2]!, ref: match[3]! });
    });
}

/** The branch name of a refs/heads/ ref, or undefined for tags and other refs. */
export function branchOf(ref: string): string | undefined {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

/**
 * What a push of `update` does for an app whose deploy branch is `deployBranch` (null: main or master):
 * the deploy branch deploys (after its tests), other branches get a CI run, tags and deletions are only accepted.
 */
export function decideRefAction(update: RefUpdate, deployBranch: string | null): 'deploy' | 'test' | 'delete' | 'accept' {
  if (ZERO_SHA.test(update.newSha)) return 'delete';
  const branch = branchOf(update.ref);
  if (branch === undefined) return 'accept';
  const deploys = deployBranch === null ? branch === 'main' || branch === 'master' : branch === deployBranch;
  return deploys ? 'deploy' : 'test';
}
