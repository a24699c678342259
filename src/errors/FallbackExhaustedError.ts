import { StatuskitError } from './StatuskitError';

/** Every tier of a fallback chain failed: no fresh or stale cache entry, no source, no stub. */
export class FallbackExhaustedError extends StatuskitError {
  declare readonly code: 'ERR_STATUSKIT_FALLBACK_EXHAUSTED';
  /** The fallback's `name`. */
  readonly fallback: string;
  /** Every error met on the way, in order (sources, then the stub). */
  readonly causes: readonly unknown[];

  constructor(name: string, causes: readonly unknown[]) {
    super(`fallback "${name}" exhausted: every source failed and no stale entry or stub was available`, {
      code: 'ERR_STATUSKIT_FALLBACK_EXHAUSTED',
      cause: causes[causes.length - 1],
    });
    this.name = 'FallbackExhaustedError';
    this.fallback = name;
    this.causes = Object.freeze([...causes]);
  }
}
