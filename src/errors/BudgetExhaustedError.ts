import { StatuskitError } from './StatuskitError';

/** A retry was refused because the shared `RetryBudget` is spent. `cause` is the error that would have been retried. */
export class BudgetExhaustedError extends StatuskitError {
  declare readonly code: 'ERR_STATUSKIT_BUDGET_EXHAUSTED';
  /** How many times the function was called before the budget refused a retry. */
  readonly attempts: number;

  constructor(attempts: number, cause: unknown, name?: string) {
    super(
      `${name ? `"${name}" ` : ''}retry budget exhausted after ${attempts} attempt${attempts === 1 ? '' : 's'}`,
      {
        code: 'ERR_STATUSKIT_BUDGET_EXHAUSTED',
        cause,
      },
    );
    this.name = 'BudgetExhaustedError';
    this.attempts = attempts;
  }
}
