// HTTP-01 challenge answers the router serves at /.well-known/acme-challenge/TOKEN while an order is open.

const PREFIX = '/.well-known/acme-challenge/';

export class ChallengeStore {
  private readonly answers = new Map<string, string>();

  set(token: string, keyAuthorization: string): void {
    this.answers.set(token, keyAuthorization);
  }

  delete(token: string): void {
    this.answers.delete(token);
  }

  /** The answer for a request path, or undefined when it is no challenge path (or an unknown token). */
  answer(urlPath: string | undefined): string | undefined {
    if (!urlPath?.startsWith(PREFIX)) return undefined;
    return this.answers.get(urlPath.slice(PREFIX.length).split('?')[0]!);
  }

  /** True for any path under the challenge prefix (answered by the router, never by an app). */
  static isChallengePath(urlPath: string | undefined): boolean {
    return Boolean(urlPath?.startsWith(PREFIX));
  }
}
