// The one error type of the PaaS: a code from one table, a message a user can act on, and a cause.

/** Every error code the PaaS raises, with the CLI's exit status and the admin API's HTTP status for it. */
export const ERROR_CODES = {
  PAAS_ERR_INVALID_APP_NAME: { exit: 2, http: 400 },
  PAAS_ERR_INVALID_INPUT: { exit: 2, http: 400 },
  PAAS_ERR_INVALID_KEY: { exit: 2, http: 400 },
  PAAS_ERR_APP_EXISTS: { exit: 1, http: 409 },
  PAAS_ERR_APP_NOT_FOUND: { exit: 1, http: 404 },
  PAAS_ERR_KEY_EXISTS: { exit: 1, http: 409 },
  PAAS_ERR_KEY_NOT_FOUND: { exit: 1, http: 404 },
  PAAS_ERR_BUILD_NOT_FOUND: { exit: 1, http: 404 },
  PAAS_ERR_RELEASE_NOT_FOUND: { exit: 1, http: 404 },
  PAAS_ERR_ROLLBACK_IMPOSSIBLE: { exit: 1, http: 409 },
  PAAS_ERR_INVALID_APP_JSON: { exit: 1, http: 422 },
  PAAS_ERR_INVALID_PROCFILE: { exit: 1, http: 422 },
  PAAS_ERR_UNKNOWN_COMMAND: { exit: 128, http: 400 },
  PAAS_ERR_PERMISSION_DENIED: { exit: 1, http: 403 },
  PAAS_ERR_QUOTA: { exit: 1, http: 413 },
  PAAS_ERR_RATE_LIMITED: { exit: 1, http: 429 },
  PAAS_ERR_LOCKED: { exit: 1, http: 409 },
  PAAS_ERR_UNAUTHENTICATED: { exit: 1, http: 401 },
  PAAS_ERR_DOMAIN_TAKEN: { exit: 1, http: 409 },
  PAAS_ERR_NOT_FOUND: { exit: 1, http: 404 },
  PAAS_ERR_INVALID_CERT: { exit: 2, http: 400 },
  PAAS_ERR_ACME: { exit: 1, http: 502 },
  PAAS_ERR_BUILD_FAILED: { exit: 1, http: 422 },
  PAAS_ERR_RELEASE_COMMAND_FAILED: { exit: 1, http: 422 },
  PAAS_ERR_TESTS_FAILED: { exit: 1, http: 422 },
  PAAS_ERR_CI_RUN_NOT_FOUND: { exit: 1, http: 404 },
  PAAS_ERR_NO_PROCESSES: { exit: 1, http: 422 },
  PAAS_ERR_START_FAILED: { exit: 1, http: 422 },
  PAAS_ERR_UNHEALTHY: { exit: 1, http: 422 },
  PAAS_ERR_QUEUE_UNAVAILABLE: { exit: 1, http: 503 },
  PAAS_ERR_DOCKER_UNAVAILABLE: { exit: 1, http: 503 },
  PAAS_ERR_NAME_CONFLICT: { exit: 1, http: 409 },
  PAAS_ERR_NETWORK: { exit: 1, http: 500 },
  PAAS_ERR_ROUTER: { exit: 1, http: 500 },
  PAAS_ERR_DAEMON_UNAVAILABLE: { exit: 1, http: 503 },
  PAAS_ERR_GIT: { exit: 1, http: 422 },
  PAAS_ERR_STACK_BUILD_FAILED: { exit: 1, http: 500 },
  PAAS_ERR_SERVICE_LINKED: { exit: 1, http: 409 },
  PAAS_ERR_SERVICE_FAILED: { exit: 1, http: 500 },
  PAAS_ERR_REGISTRY: { exit: 1, http: 502 },
  PAAS_ERR_SWARM: { exit: 1, http: 500 },
  PAAS_ERR_PIPELINE_EXISTS: { exit: 1, http: 409 },
  PAAS_ERR_PIPELINE_NOT_FOUND: { exit: 1, http: 404 },
  PAAS_ERR_PROMOTION_REFUSED: { exit: 1, http: 409 },
  PAAS_ERR_INTERNAL: { exit: 1, http: 500 },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error a user can read: `code` is stable, `message` is one line saying what to do. */
export class PaasError extends Error {
  override name = 'PaasError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Wraps anything thrown into a PaasError, keeping PaasErrors as they are. */
export function asPaasError(err: unknown, code: ErrorCode = 'PAAS_ERR_INTERNAL'): PaasError {
  if (err instanceof PaasError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new PaasError(code, message, { cause: err });
}

/** True when `value` is an error code from the table (used when errors cross the admin API). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
