/** Every error code statuskit throws. */
export type StatuskitErrorCode =
  | 'ERR_STATUSKIT'
  | 'ERR_STATUSKIT_CONFIG'
  | 'ERR_STATUSKIT_DUPLICATE_DEPENDENCY'
  | 'ERR_STATUSKIT_UNKNOWN_DEPENDENCY'
  | 'ERR_STATUSKIT_FALLBACK_EXHAUSTED'
  | 'ERR_STATUSKIT_RETRY_EXHAUSTED'
  | 'ERR_STATUSKIT_BUDGET_EXHAUSTED'
  | 'ERR_STATUSKIT_TIMEOUT'
  | 'ERR_STATUSKIT_REDIS_UNAVAILABLE'
  | 'ERR_STATUSKIT_DATABASE_UNAVAILABLE'
  | 'ERR_STATUSKIT_OUTCOME_UNKNOWN'
  | 'ERR_STATUSKIT_CACHE_VALUE'
  | 'ERR_STATUSKIT_BROKEN_CIRCUIT';

/**
 * Base class of every error statuskit throws. Carries a stable `code` (`ERR_STATUSKIT_*`) and an
 * optional ES2022 `cause`. Use {@link isStatuskitError} rather than `instanceof` when two copies of
 * the package may be installed.
 */
export class StatuskitError extends Error {
  /** Stable machine-readable code, e.g. `ERR_STATUSKIT_CONFIG`. */
  readonly code: StatuskitErrorCode;

  constructor(message: string, options?: { cause?: unknown; code?: StatuskitErrorCode }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StatuskitError';
    this.code = options?.code ?? 'ERR_STATUSKIT';
  }
}

/**
 * `true` for any error thrown by any copy of statuskit (checks the `ERR_STATUSKIT` code prefix, not
 * only `instanceof`). Pass `code` to test for one kind.
 *
 * @example
 * if (isStatuskitError(err, 'ERR_STATUSKIT_CONFIG')) console.error(err.message);
 */
export function isStatuskitError(e: unknown, code?: StatuskitErrorCode): e is StatuskitError {
  if (e instanceof StatuskitError) return code === undefined || e.code === code;
  if (typeof e !== 'object' || e === null) return false;
  const c = (e as { code?: unknown }).code;
  if (typeof c !== 'string' || !c.startsWith('ERR_STATUSKIT')) return false;
  return code === undefined || c === code;
}
