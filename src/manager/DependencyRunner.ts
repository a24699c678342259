import { breakerVerdict, combineWithBreaker } from '../breaker/breakerDependency';
import type { CheckResult } from '../dependencies/CheckResult';
import { CheckStatus } from '../status/CheckStatus';
import type { ResolvedDependency } from './resolveDependency';
import { runCheck, type RunOutcome } from './runCheck';

/** What a {@link DependencyRunner} needs from its manager. */
export interface RunnerHooks {
  /** The manager's clock (epoch ms). */
  now: () => number;
  /** Consecutive failures reported as MINOR after a success (background only). */
  graceFailures: number;
  /** Stores a new result; `run` is absent when the result only turned stale. Must not throw. */
  onResult(result: CheckResult, run: RunOutcome | undefined): void;
}

/**
 * One dependency's pinger (after Indeed's `DependencyPinger`): its own `unref`'d timer with a fixed
 * delay after each run, single-flight runs (a read and a tick share one run; runs never overlap),
 * the consecutive-failure grace rule, `lastKnownGood`, and the staleness limit.
 */
export class DependencyRunner {
  private result: CheckResult | undefined;
  private consecutiveFailures = 0;
  private lastKnownGood = 0;
  private inflight: Promise<CheckResult> | undefined;
  private controller: AbortController | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private staleTimer: NodeJS.Timeout | undefined;
  private scheduling = false;
  /** The latest check outcome and its status after the grace rule, re-combined on breaker changes. */
  private lastCheck: { outcome: RunOutcome; status: CheckStatus } | undefined;
  private disposed = false;

  constructor(
    readonly dep: ResolvedDependency,
    private readonly hooks: RunnerHooks,
  ) {}

  /** The latest stored result, if any run has finished. */
  get latest(): CheckResult | undefined {
    return this.result;
  }

  /** Background: the cached result, or the first run (shared). Live: a run now (shared). */
  read(): Promise<CheckResult> {
    if (this.dep.mode === 'background' && this.result !== undefined) return Promise.resolve(this.result);
    return this.run();
  }

  /**
   * Runs now whatever the mode (sharing a run in flight). A background dependency stores the fresh
   * result as its latest and its timer restarts from it, as after any scheduled run.
   */
  runNow(): Promise<CheckResult> {
    return this.disposed ? this.read() : this.run();
  }

  /** Runs now (sharing a run in flight); background dependencies then keep running on their timer. */
  start(): Promise<CheckResult> {
    if (this.disposed) return this.read();
    if (this.dep.mode === 'background') {
      this.scheduling = true;
      this.clearPing();
    }
    return this.run();
  }

  /** Clears the timers and aborts a run in flight; resolves once that run has settled. */
  async stop(): Promise<void> {
    this.scheduling = false;
    this.clearPing();
    if (this.staleTimer !== undefined) clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
    this.controller?.abort();
    if (this.inflight !== undefined) await this.inflight;
  }

  /**
   * The breaker changed state: the latest check outcome is combined with it again and stored now,
   * without running the check (which may take up to its timeout). Nothing happens before a first run.
   */
  refreshBreaker(): void {
    const last = this.lastCheck;
    if (last === undefined || this.disposed) return;
    this.store(this.withBreaker(last.outcome, last.status), undefined);
  }

  /** {@link stop}, and no result is stored any more. */
  dispose(): Promise<void> {
    this.disposed = true;
    return this.stop();
  }

  private run(): Promise<CheckResult> {
    if (this.inflight !== undefined) return this.inflight;
    const controller = new AbortController();
    this.controller = controller;
    const p = runCheck(this.dep, this.hooks.now, controller.signal).then((o) => this.complete(o));
    this.inflight = p;
    return p;
  }

  private complete(outcome: RunOutcome): CheckResult {
    this.inflight = undefined;
    this.controller = undefined;
    if (outcome.kind === 'aborted' || this.disposed) {
      // A run cut short by stop()/unregister() says nothing about the dependency: not stored.
      if (this.scheduling && !this.disposed) this.schedule(0);
      return this.result ?? this.toResult(outcome, outcome.status, 0);
    }
    const result = this.apply(outcome);
    if (this.scheduling) {
      this.armStale(this.dep.staleAfterMs);
      this.schedule(this.dep.pingPeriodMs);
    }
    this.store(result, outcome);
    return result;
  }

  /** The grace rule: after ≥ 1 success, the first `graceFailures` failures report at worst MINOR. */
  private apply(outcome: RunOutcome): CheckResult {
    const hadSuccess = this.lastKnownGood > 0;
    const failed = outcome.status !== 'OK';
    this.consecutiveFailures = failed ? this.consecutiveFailures + 1 : 0;
    let status = outcome.status;
    if (
      failed &&
      hadSuccess &&
      this.dep.mode === 'background' &&
      this.consecutiveFailures <= this.hooks.graceFailures
    ) {
      status = CheckStatus.noWorseThan(status, 'MINOR');
    }
    if (this.dep.breaker !== undefined) {
      this.lastCheck = { outcome, status };
      return this.withBreaker(outcome, status);
    }
    if (outcome.kind === 'ok') this.lastKnownGood = outcome.startedAt;
    return this.toResult(outcome, status, this.consecutiveFailures);
  }

  /**
   * The worse of the check (after its grace rule) and the breaker. The breaker is combined after
   * the grace rule because it already waited for its own threshold: softening its verdict again
   * would hide an open circuit for two more pings.
   */
  private withBreaker(outcome: RunOutcome, checkStatus: CheckStatus): CheckResult {
    if (outcome.kind === 'disabled') return this.toResult(outcome, checkStatus, 0);
    const verdict = breakerVerdict(this.dep.breaker!);
    const { status, message } = combineWithBreaker(checkStatus, outcome.message, verdict, this.dep.passive);
    if (outcome.kind === 'ok' && this.dep.breaker!.state === 'closed') this.lastKnownGood = outcome.startedAt;
    const failures = Math.max(this.consecutiveFailures, verdict.consecutiveFailures);
    return this.toResult({ ...outcome, message }, status, failures);
  }

  /** When a result with `status` entered it: the previous result's `since` if it had the same status. */
  private sinceFor(status: CheckStatus): number {
    const prev = this.result;
    return prev !== undefined && prev.status === status ? (prev.since ?? prev.timestamp) : this.hooks.now();
  }

  private toResult(outcome: RunOutcome, status: CheckStatus, failures: number): CheckResult {
    const d = this.dep;
    const r: CheckResult = {
      id: d.id,
      status,
      message: outcome.message,
      description: d.description,
      urgency: d.urgency,
      type: d.type,
      timestamp: outcome.startedAt,
      durationMs: outcome.durationMs,
      lastKnownGoodTimestamp: this.lastKnownGood,
      since: this.sinceFor(status),
      consecutiveFailures: failures,
    };
    if (d.documentationUrl !== undefined) r.documentationUrl = d.documentationUrl;
    if (outcome.observedValue !== undefined) r.observedValue = outcome.observedValue;
    if (outcome.observedUnit !== undefined) r.observedUnit = outcome.observedUnit;
    if (outcome.error !== undefined) r.error = Object.freeze(outcome.error);
    return Object.freeze(r);
  }

  private store(result: CheckResult, run: RunOutcome | undefined): void {
    this.result = result;
    try {
      this.hooks.onResult(result, run);
    } catch {
      // The manager's hook logs its own failures; a runner must keep its schedule whatever happens.
    }
  }

  private schedule(delayMs: number): void {
    this.clearPing();
    this.pingTimer = setTimeout(() => {
      this.pingTimer = undefined;
      void this.run();
    }, delayMs);
    this.pingTimer.unref();
  }

  private clearPing(): void {
    if (this.pingTimer !== undefined) clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
  }

  private armStale(afterMs: number): void {
    if (this.staleTimer !== undefined) clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => this.checkStale(), afterMs);
    this.staleTimer.unref();
  }

  /** A result older than `3 × pingPeriodMs + timeoutMs` (three missed runs) reports OUTAGE, message `stale…`. */
  private checkStale(): void {
    this.staleTimer = undefined;
    const last = this.result;
    if (last === undefined || !this.scheduling || this.disposed) return;
    const limit = this.dep.staleAfterMs;
    const age = this.hooks.now() - last.timestamp;
    if (age < limit) return this.armStale(limit - age);
    const stale: CheckResult = Object.freeze({
      ...last,
      status: 'OUTAGE',
      since: this.sinceFor('OUTAGE'),
      message: `stale: the latest result is ${age} ms old (limit ${limit} ms)`,
    });
    this.store(stale, undefined);
  }
}
