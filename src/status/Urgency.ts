import { CheckStatus } from './CheckStatus';

/**
 * How much the system depends on a dependency. `'UNKNOWN'` (the default) behaves as `'REQUIRED'`.
 *
 * | dependency \ urgency | REQUIRED, UNKNOWN | STRONG | WEAK  | NONE |
 * |----------------------|-------------------|--------|-------|------|
 * | OUTAGE               | OUTAGE            | MAJOR  | MINOR | OK   |
 * | MAJOR                | MAJOR             | MAJOR  | MINOR | OK   |
 * | MINOR                | MINOR             | MINOR  | MINOR | OK   |
 * | OK                   | OK                | OK     | OK    | OK   |
 */
export type Urgency = 'REQUIRED' | 'STRONG' | 'WEAK' | 'NONE' | 'UNKNOWN';

/** The best-case cap each urgency puts on a failing dependency's contribution. */
const CAP: Readonly<Record<Urgency, CheckStatus>> = Object.freeze({
  REQUIRED: 'OUTAGE',
  UNKNOWN: 'OUTAGE',
  STRONG: 'MAJOR',
  WEAK: 'MINOR',
  NONE: 'OK',
});

/**
 * Values and helpers of {@link Urgency}.
 *
 * @example
 * Urgency.contribution('STRONG', 'OUTAGE');            // 'MAJOR'
 * Urgency.downgradeWith('WEAK', 'OK', 'OUTAGE');        // 'MINOR'
 */
export const Urgency = Object.freeze({
  REQUIRED: 'REQUIRED' as const,
  STRONG: 'STRONG' as const,
  WEAK: 'WEAK' as const,
  NONE: 'NONE' as const,
  UNKNOWN: 'UNKNOWN' as const,
  /** Every urgency, most to least demanding; `UNKNOWN` last. */
  values: Object.freeze(['REQUIRED', 'STRONG', 'WEAK', 'NONE', 'UNKNOWN'] as const),
  /** Whether `value` is one of the five urgencies. */
  is(value: unknown): value is Urgency {
    return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CAP, value);
  },
  /** Case-insensitive name → urgency; anything else → `undefined`. */
  parse(text: unknown): Urgency | undefined {
    if (typeof text !== 'string') return undefined;
    const upper = text.trim().toUpperCase();
    return Object.prototype.hasOwnProperty.call(CAP, upper) ? (upper as Urgency) : undefined;
  },
  /** One dependency's contribution to the system status (the urgency table). */
  contribution(urgency: Urgency, dependencyStatus: CheckStatus): CheckStatus {
    return CheckStatus.noWorseThan(dependencyStatus, CAP[urgency]);
  },
  /**
   * The system status after folding in one dependency: the worse of `systemSoFar` and the
   * dependency's urgency-capped contribution.
   */
  downgradeWith(urgency: Urgency, systemSoFar: CheckStatus, dependencyStatus: CheckStatus): CheckStatus {
    return CheckStatus.noBetterThan(systemSoFar, CheckStatus.noWorseThan(dependencyStatus, CAP[urgency]));
  },
});
