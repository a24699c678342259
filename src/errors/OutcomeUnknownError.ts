import { StatuskitError } from './StatuskitError';

/**
 * A write was sent but not answered in time (a frozen or overloaded server, a stalled network): it
 * may or may not have been applied, and may still land later. Do not report it as "not changed";
 * read the value back once the store answers again. `cause` is the timeout.
 */
export class OutcomeUnknownError extends StatuskitError {
  declare readonly code: 'ERR_STATUSKIT_OUTCOME_UNKNOWN';

  constructor(message: string, cause?: unknown) {
    super(message, { code: 'ERR_STATUSKIT_OUTCOME_UNKNOWN', cause });
    this.name = 'OutcomeUnknownError';
  }
}
