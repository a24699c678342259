/**
 * The health of one dependency or of the whole system, from worst to best:
 * `'OUTAGE'`, `'MAJOR'`, `'MINOR'`, `'OK'` (Indeed Status's vocabulary).
 */
export type CheckStatus = 'OUTAGE' | 'MAJOR' | 'MINOR' | 'OK';

const ORDER: readonly CheckStatus[] = Object.freeze(['OUTAGE', 'MAJOR', 'MINOR', 'OK'] as const);
/** Rank: 0 = worst (OUTAGE) … 3 = best (OK). */
const RANK: Readonly<Record<CheckStatus, number>> = Object.freeze({ OUTAGE: 0, MAJOR: 1, MINOR: 2, OK: 3 });

function worse(a: CheckStatus, b: CheckStatus): CheckStatus {
  return RANK[a] <= RANK[b] ? a : b;
}
function better(a: CheckStatus, b: CheckStatus): CheckStatus {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Values and helpers of {@link CheckStatus}.
 *
 * @example
 * CheckStatus.worst('OK', 'MAJOR', 'MINOR'); // 'MAJOR'
 * CheckStatus.noBetterThan('OK', 'MINOR');    // 'MINOR'
 */
export const CheckStatus = Object.freeze({
  OK: 'OK' as const,
  MINOR: 'MINOR' as const,
  MAJOR: 'MAJOR' as const,
  OUTAGE: 'OUTAGE' as const,
  /** Every status, worst → best. */
  values: ORDER,
  /** Whether `value` is one of the four statuses. */
  is(value: unknown): value is CheckStatus {
    return typeof value === 'string' && Object.prototype.hasOwnProperty.call(RANK, value);
  },
  /** Numeric rank, 0 = OUTAGE … 3 = OK. */
  rank(s: CheckStatus): number {
    return RANK[s];
  },
  /** Gauge encoding used by the metrics: OK 0, MINOR 1, MAJOR 2, OUTAGE 3. */
  severity(s: CheckStatus): number {
    return 3 - RANK[s];
  },
  /** `true` when `a` is strictly worse than `b`. */
  isWorseThan(a: CheckStatus, b: CheckStatus): boolean {
    return RANK[a] < RANK[b];
  },
  /** `true` when `a` is strictly better than `b`. */
  isBetterThan(a: CheckStatus, b: CheckStatus): boolean {
    return RANK[a] > RANK[b];
  },
  /** The worse of `a` and `bound`: `a` capped so it is no better than `bound`. */
  noBetterThan(a: CheckStatus, bound: CheckStatus): CheckStatus {
    return worse(a, bound);
  },
  /** The better of `a` and `bound`: `a` raised so it is no worse than `bound`. */
  noWorseThan(a: CheckStatus, bound: CheckStatus): CheckStatus {
    return better(a, bound);
  },
  /** The worst of any number of statuses; `worst()` of nothing is `'OK'`. */
  worst(...statuses: CheckStatus[]): CheckStatus {
    let out: CheckStatus = 'OK';
    for (const s of statuses) out = worse(out, s);
    return out;
  },
  /** The best of any number of statuses; `best()` of nothing is `'OUTAGE'`. */
  best(...statuses: CheckStatus[]): CheckStatus {
    let out: CheckStatus = 'OUTAGE';
    for (const s of statuses) out = better(out, s);
    return out;
  },
  /** Case-insensitive name → status; anything else → `undefined`. */
  parse(text: unknown): CheckStatus | undefined {
    if (typeof text !== 'string') return undefined;
    const upper = text.trim().toUpperCase();
    return Object.prototype.hasOwnProperty.call(RANK, upper) ? (upper as CheckStatus) : undefined;
  },
});
