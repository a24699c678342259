import { EventEmitter } from 'node:events';
import { BrokenCircuitError } from '../errors/BrokenCircuitError';
import { toLoggedError } from '../manager/ManagerLog';
import { redact, toSafeError } from '../redaction/redact';
import { BreakerMetrics, type CircuitState } from './BreakerMetrics';
import {
  resolveCircuitBreakerOptions,
  type CircuitBreakerOptions,
  type ResolvedCircuitBreakerOptions,
} from './CircuitBreakerOptions';
import { SlidingWindow } from './SlidingWindow';

/** What `execute`'s function receives. */
export interface BreakerContext {
  /**
   * Aborted when the breaker is disposed. One signal is shared by every call (a controller per call
   * would be most of the breaker's cost), so it is no per-call timeout: bound your I/O yourself.
   */
  readonly signal: AbortSignal;
}

/** A breaker's counts at one moment. */
export interface BreakerStats {
  /** The state the breaker is in. */
  readonly state: CircuitState;
  /** When the breaker entered its state, epoch ms (its construction for the first `closed`). */
  readonly since: number;
  /** Calls counted over the last `windowMs`. */
  readonly calls: number;
  /** Failures among them. */
  readonly failures: number;
  /** Failures in a row (reset by a success). */
  readonly consecutiveFailures: number;
  /** Length of the window `calls` and `failures` cover, in ms. */
  readonly windowMs: number;
  /** While open: when the next trial call will be let through, epoch ms. */
  readonly halfOpenAt?: number;
}

/** The payload of the `stateChanged` event. */
export interface CircuitStateChange extends BreakerStats {
  /** The breaker's `name`. */
  readonly name: string;
  /** The state it left. */
  readonly from: CircuitState;
  /** The state it entered (the same as `state`). */
  readonly to: CircuitState;
}

/** A `'stateChanged'` listener. */
export type StateListener = (change: CircuitStateChange) => void;

/**
 * A circuit breaker: after too many failures (in a row, or as a rate over a sliding window) it opens
 * and rejects calls at once with {@link BrokenCircuitError}, without calling `fn`, so a dead
 * dependency costs nothing instead of a timeout per call. After `halfOpenAfterMs` one trial call goes
 * through (others are still rejected while it runs): a success closes the circuit, a failure opens it
 * again for twice as long, up to `maxHalfOpenAfterMs`.
 *
 * Register it with a `DependencyManager` (`register({ id, breaker })`) to make real traffic part of
 * the service's health, or give it to a `fallback` source or to `retry`.
 *
 * Events: `'stateChanged'` ({@link CircuitStateChange}). A listener that throws is logged and harms
 * nothing. One log line per change: `warn` when opening, `info` otherwise.
 *
 * @example
 * const partner = new CircuitBreaker({ name: 'partner', trip: { rate: 0.5, minCalls: 20, windowMs: 10_000 } });
 * const price = await partner.execute(({ signal }) => fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(500)]) }));
 */
export class CircuitBreaker extends EventEmitter {
  /** The breaker's name (metrics label, logs, errors). */
  readonly name: string;
  private readonly o: ResolvedCircuitBreakerOptions;
  private readonly metrics: BreakerMetrics;
  private readonly window: SlidingWindow;
  private readonly controller = new AbortController();
  private readonly ctx: BreakerContext;
  private current: CircuitState = 'closed';
  private sinceMs: number;
  private consecutive = 0;
  private failedTrials = 0;
  private halfOpenAt = 0;
  private trialRunning = false;
  private lastError: unknown;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  /** @throws ConfigError naming the first invalid option. */
  constructor(opts: CircuitBreakerOptions) {
    super();
    this.o = resolveCircuitBreakerOptions(opts);
    this.name = this.o.name;
    this.metrics = new BreakerMetrics(this.name, this.o.registry);
    this.metrics.state('closed');
    this.window = new SlidingWindow(this.o.windowMs);
    this.ctx = Object.freeze({ signal: this.controller.signal });
    this.sinceMs = this.o.now();
  }

  /** The current state. O(1). */
  get state(): CircuitState {
    return this.current;
  }

  /** The current state and the counts over the recent window. */
  stats(): BreakerStats {
    const { calls, failures } = this.window.counts(this.o.now());
    const s = {
      state: this.current,
      since: this.sinceMs,
      calls,
      failures,
      consecutiveFailures: this.consecutive,
      windowMs: this.o.windowMs,
    };
    return Object.freeze(this.current === 'open' ? { ...s, halfOpenAt: this.halfOpenAt } : s);
  }

  /**
   * Calls `fn` unless the circuit is open (or half-open with its trial running, or disposed): then
   * rejects at once with {@link BrokenCircuitError} and `fn` is not called. Whatever `fn` returns or
   * throws is passed on unchanged; it only counts towards the breaker.
   */
  execute<T>(fn: (ctx: BreakerContext) => T | PromiseLike<T>): Promise<T> {
    if (this.current !== 'closed' || this.disposed) {
      if (!this.admitTrial()) return this.reject();
      return this.run(fn, true);
    }
    return this.run(fn, false);
  }

  /** Subscribes to `'stateChanged'`. */
  override on(event: 'stateChanged', listener: StateListener): this {
    return super.on(event, listener);
  }

  /** Subscribes once to `'stateChanged'`. */
  override once(event: 'stateChanged', listener: StateListener): this {
    return super.once(event, listener);
  }

  /** Unsubscribes from `'stateChanged'`. */
  override off(event: 'stateChanged', listener: StateListener): this {
    return super.off(event, listener);
  }

  /**
   * Stops the half-open timer and aborts the signal every call in flight received; from now on every
   * call is rejected with {@link BrokenCircuitError} (`state: 'disposed'`), and its call counts are
   * published one last time (until then the registry's scrape hook keeps a reference to the breaker:
   * dispose breakers you create per test or per tenant). Calling it twice is harmless.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearTimer();
    this.metrics.close();
    this.controller.abort(new BrokenCircuitError(this.name, 'disposed'));
  }

  private async run<T>(fn: (ctx: BreakerContext) => T | PromiseLike<T>, trial: boolean): Promise<T> {
    let value: T;
    try {
      value = await fn(this.ctx);
    } catch (err) {
      this.failed(err, trial);
      throw err;
    }
    this.succeeded(trial);
    return value;
  }

  private reject(): Promise<never> {
    this.metrics.rejected++;
    const state = this.disposed || this.current === 'closed' ? 'disposed' : this.current;
    return Promise.reject(
      new BrokenCircuitError(this.name, state, state === 'open' ? this.lastError : undefined),
    );
  }

  /** Open past its delay → half-open; then lets exactly one trial call through at a time. */
  private admitTrial(): boolean {
    if (this.disposed) return false;
    if (this.current === 'open') {
      // The timer moves the state on time; this catches a clock that runs ahead of the timers.
      if (this.o.now() < this.halfOpenAt) return false;
      this.toHalfOpen();
    }
    if (this.trialRunning) return false;
    this.trialRunning = true;
    return true;
  }

  private succeeded(trial: boolean): void {
    this.metrics.success++;
    if (trial) {
      this.trialRunning = false;
      this.failedTrials = 0;
      this.consecutive = 0;
      // The failures that opened the circuit are history now: they must not trip it again.
      this.window.reset();
      this.window.record(this.o.now(), false);
      if (!this.disposed) this.transition('closed');
      return;
    }
    this.window.record(this.o.now(), false);
    if (this.current === 'closed') this.consecutive = 0;
  }

  private failed(err: unknown, trial: boolean): void {
    if (!this.countsAsFailure(err)) return this.succeeded(trial);
    this.metrics.failure++;
    const now = this.o.now();
    this.window.record(now, true);
    this.lastError = err;
    if (trial) {
      this.trialRunning = false;
      this.failedTrials++;
      if (!this.disposed) this.open(now);
      return;
    }
    // A call started before the circuit opened says nothing new once it is open or on trial.
    if (this.current !== 'closed') return;
    this.consecutive++;
    if (this.consecutive >= this.o.consecutive || this.rateTripped(now)) this.open(now);
  }

  private countsAsFailure(err: unknown): boolean {
    try {
      return this.o.isFailure(err) !== false;
    } catch {
      return true; // a broken predicate must not hide failures
    }
  }

  private rateTripped(now: number): boolean {
    if (this.o.rate === Infinity) return false;
    const { calls, failures } = this.window.counts(now);
    return calls >= this.o.minCalls && failures >= this.o.rate * calls;
  }

  private open(now: number): void {
    const delay = Math.min(this.o.maxHalfOpenAfterMs, this.o.halfOpenAfterMs * 2 ** this.failedTrials);
    this.halfOpenAt = now + delay;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.current === 'open' && !this.disposed) this.toHalfOpen();
    }, delay);
    this.timer.unref();
    this.transition('open');
  }

  private toHalfOpen(): void {
    this.clearTimer();
    this.trialRunning = false;
    this.transition('half-open');
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private transition(to: CircuitState): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.sinceMs = this.o.now();
    this.metrics.state(to);
    const change: CircuitStateChange = Object.freeze({ ...this.stats(), name: this.name, from, to });
    this.logChange(change);
    for (const listener of this.rawListeners('stateChanged') as StateListener[]) {
      try {
        listener.call(this, change);
      } catch (err) {
        this.o.logger.error(
          { breaker: this.name, err: toLoggedError(toSafeError(err)) },
          'stateChanged listener threw',
        );
      }
    }
  }

  private logChange(c: CircuitStateChange): void {
    const fields = {
      breaker: c.name,
      from: c.from,
      to: c.to,
      calls: c.calls,
      failures: c.failures,
      halfOpenInMs: c.halfOpenAt === undefined ? undefined : c.halfOpenAt - c.since,
      err:
        c.to === 'open' && this.lastError !== undefined
          ? toLoggedError(toSafeError(this.lastError))
          : undefined,
    };
    const msg = redact(`circuit ${c.name} ${c.from} → ${c.to}: ${c.failures} failures of ${c.calls} calls`);
    try {
      if (c.to === 'open') this.o.logger.warn(fields, msg);
      else this.o.logger.info(fields, msg);
    } catch {
      // A broken log destination must not break the caller's call.
    }
  }
}
