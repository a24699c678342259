import { StatuskitError } from './StatuskitError';

/**
 * The database could not be reached (refused, dropped, or it did not answer within the timeout).
 * The message says whether the work is known not to have happened (`was not stored`) or may have
 * (`may not have been stored`: repeat it with the same idempotency key).
 */
export class DatabaseUnavailableError extends StatuskitError {
  declare readonly code: 'ERR_STATUSKIT_DATABASE_UNAVAILABLE';

  constructor(message: string, cause?: unknown) {
    super(message, { code: 'ERR_STATUSKIT_DATABASE_UNAVAILABLE', cause });
    this.name = 'DatabaseUnavailableError';
  }
}
