import type { CheckResult, CheckResultSet } from '../dependencies/CheckResult';
import { watchBreaker } from '../breaker/breakerDependency';
import type { Dependency, PassiveDependency } from '../dependencies/Dependency';
import { DuplicateDependencyError } from '../errors/DuplicateDependencyError';
import { UnknownDependencyError } from '../errors/UnknownDependencyError';
import { CheckStatus } from '../status/CheckStatus';
import { buildResultSet, withDuration } from './buildResultSet';
import { DependencyRunner } from './DependencyRunner';
import { ManagerLog } from './ManagerLog';
import { ManagerMetrics, type NoopManagerMetrics } from './ManagerMetrics';
import { ManagerEmitter } from './ManagerEmitter';
import {
  resolveManagerOptions,
  type DependencyManagerOptions,
  type ResolvedManagerOptions,
} from './DependencyManagerOptions';
import { resolveDependency } from './resolveDependency';
import type { RunOutcome } from './runCheck';
import { StatusAggregate } from './StatusAggregate';
import { StatusHistory, type StatusChange } from './StatusHistory';

/**
 * Keeps every dependency's latest check result and the aggregated system status.
 * Background dependencies run on their own `unref`'d timers; live ones on every `evaluate()`.
 * Probes read {@link DependencyManager.systemStatus} and {@link DependencyManager.snapshot} — cached
 * state, never I/O.
 *
 * @example
 * const manager = new DependencyManager({ appName: 'shop', logger, registry });
 * manager.register({ id: 'redis', urgency: 'REQUIRED', check: () => redis.ping().then(() => {}) });
 * await manager.start();
 * manager.systemStatus; // 'OK'
 */
export class DependencyManager extends ManagerEmitter {
  /** Application name shown in detailed reports. */
  readonly appName: string;
  private readonly opts: ResolvedManagerOptions;
  private readonly log: ManagerLog;
  private readonly metrics: ManagerMetrics | NoopManagerMetrics;
  private readonly runners = new Map<string, DependencyRunner>();
  private readonly results = new Map<string, CheckResult>();
  private readonly breakerWatches = new Map<string, () => void>();
  private readonly aggregate = new StatusAggregate();
  private readonly changeLog: StatusHistory;
  private systemSince: number;
  private cachedSnapshot: CheckResultSet | undefined;
  private firstRound: Promise<void> | undefined;
  private isReady = false;
  private isDraining = false;
  private announcedSystem: CheckStatus = 'OK';
  private changes = 0;

  /** @throws ConfigError naming the first invalid option. */
  constructor(opts?: DependencyManagerOptions) {
    const resolved = resolveManagerOptions(opts);
    const log = new ManagerLog(resolved.logger);
    super((event, err) => log.listenerFailed(event, err));
    this.opts = resolved;
    this.appName = resolved.appName;
    this.log = log;
    this.metrics = ManagerMetrics.create(this.opts.registry);
    this.metrics.setSystem('OK');
    this.changeLog = new StatusHistory(resolved.historySize);
    this.systemSince = resolved.now();
  }

  /** Worst urgency-capped status over the latest results; `'OK'` with none. O(1). */
  get systemStatus(): CheckStatus {
    return this.aggregate.status;
  }

  /** `true` once the first round of checks started by {@link start} has finished (until {@link stop}). */
  get ready(): boolean {
    return this.isReady;
  }

  /** `true` after {@link drain}: the service is shutting down and readiness fails. */
  get draining(): boolean {
    return this.isDraining;
  }

  /**
   * A counter bumped on every event that can change a health answer — `'checked'`, `'added'`,
   * `'removed'`, `'ready'`, `'draining'` and `'systemChanged'` — before the event's listeners run.
   * An adapter that serialised an answer keeps the value it saw and re-serialises only when it
   * moved: one property read per request, and no listener (nor per-manager cache) of its own.
   */
  get version(): number {
    return this.changes;
  }

  /**
   * The dependency's latest status, read from the map of latest results (updated when a result
   * lands, cleared when the dependency is removed): O(1), no snapshot built. `undefined` while it
   * has no result yet, and for an id no dependency has.
   */
  statusOf(id: string): CheckStatus | undefined {
    return this.results.get(id)?.status;
  }

  /**
   * The last `historySize` (default 20) status changes, newest first, in memory: of the system
   * without `id` (each naming the dependency that moved it), else of that dependency (empty before
   * its first result). A result that repeats its status is not a change. Frozen; O(historySize).
   *
   * @throws UnknownDependencyError when no dependency has this id (an unregistered one's changes
   * are dropped with it).
   * @example
   * manager.history('redis'); // [{ id: 'redis', from: 'OK', to: 'OUTAGE', at: 1796…, message: 'Timed out…' }, …]
   */
  history(id?: string): readonly StatusChange[] {
    if (id === undefined) return this.changeLog.system();
    if (!this.runners.has(id)) throw new UnknownDependencyError(String(id));
    return this.changeLog.of(id);
  }

  /** Whether a dependency with this id is registered. */
  has(id: string): boolean {
    return this.runners.has(id);
  }

  /**
   * Adds a dependency; once started, its first run begins at once.
   * @throws ConfigError on an invalid field; DuplicateDependencyError when the id is taken.
   */
  register(dep: Dependency | PassiveDependency): this {
    const resolved = resolveDependency(dep, this.opts);
    if (this.runners.has(resolved.id)) throw new DuplicateDependencyError(resolved.id);
    const runner: DependencyRunner = new DependencyRunner(resolved, {
      now: this.opts.now,
      graceFailures: this.opts.graceFailures,
      onResult: (result, run) => this.onResult(runner, result, run),
    });
    this.runners.set(resolved.id, runner);
    if (resolved.breaker !== undefined) {
      // A state change shows at once, not at the next ping, and without waiting for a slow check.
      this.breakerWatches.set(
        resolved.id,
        watchBreaker(resolved.breaker, () => runner.refreshBreaker()),
      );
    }
    this.changes++;
    this.safeEmit('added', resolved.source);
    if (this.firstRound !== undefined) void runner.start();
    return this;
  }

  /** Removes a dependency: stops its timer, aborts a run in flight. `false` when the id is unknown. */
  unregister(id: string): boolean {
    const runner = this.runners.get(id);
    if (runner === undefined) return false;
    this.runners.delete(id);
    this.breakerWatches.get(id)?.();
    this.breakerWatches.delete(id);
    void runner.dispose();
    this.changeLog.forget(id);
    const last = this.results.get(id);
    if (last !== undefined) {
      this.results.delete(id);
      this.cachedSnapshot = undefined;
      this.metrics.removeDependency(id, runner.dep.urgency);
      this.aggregate.replace(runner.dep.urgency, last.status, undefined);
      this.announceSystem(id, 'unregistered');
    }
    this.changes++;
    this.safeEmit('removed', runner.dep.source);
    return true;
  }

  /** Starts every background timer; resolves after the first round (every dependency run once). */
  start(): Promise<void> {
    if (this.firstRound !== undefined) return this.firstRound;
    const round: Promise<void> = Promise.all([...this.runners.values()].map((r) => r.start())).then(() => {
      if (this.firstRound !== round || this.isReady) return;
      this.isReady = true;
      this.changes++;
      this.safeEmit('ready');
    });
    this.firstRound = round;
    return round;
  }

  /** Clears every timer and aborts runs in flight; resolves when idle. Calling it twice is harmless. */
  async stop(): Promise<void> {
    this.firstRound = undefined;
    this.isReady = false;
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
  }

  /** Every result: background ones from cache (run once if never run), live ones run now, in parallel. */
  evaluate(): Promise<CheckResultSet>;
  /**
   * One dependency's result, raw (grace rule and staleness applied, not urgency-capped).
   * @throws UnknownDependencyError (as a rejection) when no dependency has this id.
   */
  evaluate(id: string): Promise<CheckResult>;
  async evaluate(id?: string): Promise<CheckResultSet | CheckResult> {
    if (id !== undefined) {
      const runner = this.runners.get(id);
      if (runner === undefined) throw new UnknownDependencyError(String(id));
      return runner.read();
    }
    const t0 = performance.now();
    await Promise.all([...this.runners.values()].map((r) => r.read()));
    return withDuration(this.snapshot(), Math.round((performance.now() - t0) * 100) / 100);
  }

  /**
   * Every dependency run now, background ones included, in parallel (sharing runs in flight), each
   * bounded by its timeout: the fresh report an operator asks for. A background dependency keeps
   * the fresh result as its latest, and its schedule restarts from it.
   */
  async evaluateAll(): Promise<CheckResultSet> {
    const t0 = performance.now();
    await Promise.all([...this.runners.values()].map((r) => r.runNow()));
    return withDuration(this.snapshot(), Math.round((performance.now() - t0) * 100) / 100);
  }

  /** The latest results, synchronously and without I/O; never-run dependencies are absent. */
  snapshot(): CheckResultSet {
    this.cachedSnapshot ??= buildResultSet(
      this.results.values(),
      this.aggregate.status,
      this.opts.now(),
      0,
      this.systemSince,
    );
    return this.cachedSnapshot;
  }

  /** Marks the service as shutting down: readiness fails from now on. Emits `'draining'` once. */
  drain(): void {
    if (this.isDraining) return;
    this.isDraining = true;
    this.log.draining();
    this.changes++;
    this.safeEmit('draining');
  }

  private onResult(runner: DependencyRunner, result: CheckResult, run: RunOutcome | undefined): void {
    if (this.runners.get(result.id) !== runner) return;
    const prev = this.results.get(result.id);
    this.results.set(result.id, result);
    this.cachedSnapshot = undefined;
    if (run !== undefined) this.metrics.observeRun(result.id, run.kind, run.durationMs);
    const changed = prev?.status !== result.status;
    if (changed) {
      this.aggregate.replace(result.urgency, prev?.status, result.status);
      this.metrics.setDependency(result.id, result.urgency, result.status);
      this.log.transition(prev?.status, result);
      this.changeLog.record({
        id: result.id,
        from: prev?.status ?? null,
        to: result.status,
        at: result.since ?? this.opts.now(),
        message: result.message,
      });
    }
    this.changes++;
    this.safeEmit('checked', result);
    if (changed)
      this.safeEmit('changed', { id: result.id, from: prev?.status ?? null, to: result.status, result });
    this.announceSystem(result.id, result.message);
  }

  /**
   * Reports the system status if it differs from the last one reported. Comparing with what was
   * announced (not with a value captured earlier) keeps `from` right when a listener re-enters.
   * `id` and `message` name what moved it, for the system's history.
   */
  private announceSystem(id: string, message: string): void {
    const from = this.announcedSystem;
    const to = this.aggregate.status;
    if (from === to) return;
    this.announcedSystem = to;
    this.systemSince = this.opts.now();
    this.cachedSnapshot = undefined;
    this.changeLog.recordSystem({ id, from, to, at: this.systemSince, message });
    this.metrics.setSystem(to);
    this.log.system(from, to);
    this.changes++;
    this.safeEmit('systemChanged', { from, to });
  }
}
