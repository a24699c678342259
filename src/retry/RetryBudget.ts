import { assertFunction, assertNumber, assertOptions, optionalNumber } from '../validation/assert';

/** Options of {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /**
   * Retries allowed per call, on top of the reserve: every call sharing the budget deposits `ratio`
   * tokens and every retry withdraws one, so `0.1` lets retries add at most 10 % load.
   * @default 0.1
   */
  ratio?: number;
  /**
   * Retries per second always allowed, even with little traffic (a reserve bucket holding one
   * second's worth, refilled continuously). `0` disables the reserve.
   * @default 10
   */
  minPerSecond?: number;
  /**
   * How long a deposit (and a withdrawal) counts, in ms: a long healthy history cannot bank
   * retries for the next outage (Finagle's `ttl`).
   * @default 10000
   */
  ttlMs?: number;
  /** Clock in ms, for tests. @default Date.now */
  now?: () => number;
}

/** Defaults of {@link RetryBudgetOptions}. */
export const RETRY_BUDGET_DEFAULTS = Object.freeze({
  ratio: 0.1,
  minPerSecond: 10,
  ttlMs: 10_000,
  // Looked up on each call, not captured at load: jest's fake timers replace `Date` later.
  now: (): number => Date.now(),
});

/** The deposit window is kept in this many slices; old slices expire one by one. */
const SLICES = 10;
/** Tolerates float drift in sums of `ratio` (10 × 0.1 must buy one retry). */
const EPSILON = 1e-9;

/**
 * A retry budget shared by many calls, so a failing dependency is not buried under retries: retries stay within
 * `ratio × calls + minPerSecond × seconds`, so retrying can never multiply load on a dependency
 * that is already failing. Design after Finagle's `RetryBudget` and gRPC's retry throttling:
 * calls deposit `ratio` tokens into a window of `ttlMs`; each retry withdraws one token from that
 * window or, when it is empty, from a reserve refilled at `minPerSecond`. No timers: time is read
 * from `now()` on use, in O(1).
 *
 * @example
 * const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 5 });
 * await retry(() => charge(order), { budget }); // share `budget` between all calls to one dependency
 */
export class RetryBudget {
  private readonly ratio: number;
  private readonly minPerSecond: number;
  private readonly sliceMs: number;
  private readonly now: () => number;
  /** Net tokens (deposits − withdrawals) per slice of the window; `sum` is their total. */
  private readonly slices = new Float64Array(SLICES);
  private sum = 0;
  private head = 0;
  private headStart: number;
  private reserve: number;
  private reserveAt: number;

  constructor(opts?: RetryBudgetOptions) {
    const o = assertOptions<RetryBudgetOptions>('RetryBudget options', opts);
    this.ratio = optionalNumber('ratio', o.ratio, RETRY_BUDGET_DEFAULTS.ratio, { min: 0, max: 1000 });
    this.minPerSecond = optionalNumber('minPerSecond', o.minPerSecond, RETRY_BUDGET_DEFAULTS.minPerSecond, {
      min: 0,
    });
    const ttlMs = optionalNumber('ttlMs', o.ttlMs, RETRY_BUDGET_DEFAULTS.ttlMs, { min: 1 });
    this.now = o.now === undefined ? RETRY_BUDGET_DEFAULTS.now : assertFunction<() => number>('now', o.now);
    this.sliceMs = ttlMs / SLICES;
    const t = assertNumber('now()', this.now());
    this.headStart = t;
    this.reserve = this.minPerSecond;
    this.reserveAt = t;
  }

  /** Records one call: adds `ratio` tokens. `retry()` calls it once per call. */
  deposit(): void {
    this.advance();
    this.slices[this.head] += this.ratio;
    this.sum += this.ratio;
  }

  /** Takes one retry token; `false` (and nothing taken) when the budget is spent. */
  tryWithdraw(): boolean {
    this.advance();
    if (this.sum >= 1 - EPSILON) {
      this.slices[this.head] -= 1;
      this.sum -= 1;
      return true;
    }
    if (this.reserve >= 1 - EPSILON) {
      this.reserve -= 1;
      return true;
    }
    return false;
  }

  /** Retries available right now (whole tokens, window plus reserve). */
  get available(): number {
    this.advance();
    return Math.floor(Math.max(0, this.sum) + this.reserve + EPSILON);
  }

  /** Expires slices older than the window and refills the reserve; O(slices) at worst. */
  private advance(): void {
    const t = this.now();
    const steps = Math.min(SLICES, Math.floor((t - this.headStart) / this.sliceMs));
    if (steps > 0) {
      for (let i = 0; i < steps; i++) {
        this.head = (this.head + 1) % SLICES;
        this.sum -= this.slices[this.head];
        this.slices[this.head] = 0;
      }
      this.headStart = t - ((t - this.headStart) % this.sliceMs);
      if (Math.abs(this.sum) < EPSILON) this.sum = 0;
    }
    if (t > this.reserveAt) {
      this.reserve = Math.min(
        this.minPerSecond,
        this.reserve + ((t - this.reserveAt) * this.minPerSecond) / 1000,
      );
      this.reserveAt = t;
    }
  }
}
