import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CheckOutcome, Dependency, DependencyOptions } from '../src/dependencies/Dependency';
import { assertOneOf, assertOptions, optionalNumber } from '../src/validation/assert';
import { resolveCheckBase, toDependency } from './shared/resolveCheckBase';
import { compileThresholds, ladderOrDefaults, type Thresholds } from './shared/thresholds';

/** Which figure of the event-loop delay histogram is judged. */
export type EventLoopStat = 'p50' | 'p90' | 'p99' | 'max';

/** Options of {@link eventLoopCheck}: thresholds in ms on `stat`, and every `Dependency` field. */
export interface EventLoopCheckOptions extends DependencyOptions, Partial<Thresholds> {
  /** @default 'event-loop' */
  id?: string;
  /** @default 'runtime' */
  type?: string;
  /** Figure of the delay since the previous check that is judged. @default 'p99' */
  stat?: EventLoopStat;
  /**
   * Highest delay (ms) still OK. Give any of `maxOk`/`maxMinor`/`maxMajor` and you give the whole
   * ladder (levels left out are skipped); give none for the defaults.
   * @default 100
   */
  maxOk?: number;
  /** Highest delay (ms) still MINOR. @default 500 (only when no bound is given) */
  maxMinor?: number;
  /** Highest delay (ms) still MAJOR; above it, OUTAGE. @default 2000 (only when no bound is given) */
  maxMajor?: number;
  /** Sampling resolution of `monitorEventLoopDelay`, in ms. @default 10 */
  resolutionMs?: number;
  /**
   * The monitor is switched off when no check ran for this long (and on again by the next check).
   * @default max(60000, 3 × pingPeriodMs)
   */
  idleDisableMs?: number;
}

/** Defaults of {@link EventLoopCheckOptions} beyond the `Dependency` ones. */
export const EVENT_LOOP_CHECK_DEFAULTS = Object.freeze({
  id: 'event-loop',
  type: 'runtime',
  stat: 'p99',
  maxOk: 100,
  maxMinor: 500,
  maxMajor: 2000,
  resolutionMs: 10,
  idleDisableMs: 60_000,
});

/** A dependency that can release what it holds; `dispose()` is idempotent. */
export interface DisposableDependency extends Dependency {
  /** Releases the check's resources now; a later run acquires them again. */
  dispose(): void;
}

const STATS: readonly EventLoopStat[] = ['p50', 'p90', 'p99', 'max'];

/**
 * A dependency that judges this process's event-loop delay (perf_hooks `monitorEventLoopDelay`)
 * since the previous check, in ms, against inclusive thresholds on `stat` (default p99: ≤ 100 OK,
 * ≤ 500 MINOR, ≤ 2000 MAJOR, else OUTAGE). `observedValue`: that delay in ms.
 *
 * The monitor is enabled lazily by the first check (which samples for a few `resolutionMs` before
 * answering), switched off by an `unref`'d timer once no check ran for `idleDisableMs`, and at once
 * by `dispose()`. It never keeps the process alive.
 *
 * @example
 * const loop = eventLoopCheck({ urgency: 'WEAK', maxOk: 50 });
 * manager.register(loop);
 * // after manager.unregister('event-loop'): loop.dispose();
 */
export function eventLoopCheck(opts: EventLoopCheckOptions = {}): DisposableDependency {
  const o = assertOptions<EventLoopCheckOptions>('options', opts);
  const d = EVENT_LOOP_CHECK_DEFAULTS;
  const base = resolveCheckBase(o, { id: d.id, type: d.type, description: 'Event-loop delay' });
  const stat = o.stat === undefined ? d.stat : assertOneOf('stat', o.stat, STATS);
  const ladder = ladderOrDefaults(o, 'max', { maxOk: d.maxOk, maxMinor: d.maxMinor, maxMajor: d.maxMajor });
  const thresholds = compileThresholds('', ladder, 'max', (n) => `${n} ms`);
  const resolutionMs = optionalNumber('resolutionMs', o.resolutionMs, d.resolutionMs, {
    min: 1,
    integer: true,
  });
  const idleDisableMs = optionalNumber(
    'idleDisableMs',
    o.idleDisableMs,
    Math.max(d.idleDisableMs, 3 * (base.fields.pingPeriodMs ?? 10_000)),
    { min: 1, integer: true, max: 2_147_483_647 },
  );
  const monitor = new LoopMonitor(resolutionMs, idleDisableMs);
  const check = async ({ signal }: { signal: AbortSignal }): Promise<CheckOutcome> => {
    const ms = await monitor.read(stat, signal);
    const { status, reason } = thresholds.explain(ms);
    return {
      status,
      message: `${stat} event-loop delay ${ms} ms (${reason})`,
      observedValue: ms,
      observedUnit: 'ms',
    };
  };
  return { ...toDependency(base, check), dispose: () => monitor.disable() };
}

/** The histogram, enabled on demand and disabled when idle. */
class LoopMonitor {
  private histogram: IntervalHistogram | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly resolutionMs: number,
    private readonly idleDisableMs: number,
  ) {}

  /** `stat` in ms over the delay since the previous read; resets the histogram. */
  async read(stat: EventLoopStat, signal: AbortSignal): Promise<number> {
    let h = this.histogram;
    if (h === undefined) {
      h = this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
      h.enable();
      // A fresh histogram is empty: sample a few intervals before the first answer. This short wait
      // is the check's own work, so unlike our background timers it keeps a one-shot script alive.
      await sleep(this.resolutionMs * 5, undefined, { signal });
    }
    this.armIdleTimer();
    const count = h.count;
    const ns = stat === 'max' ? h.max : h.percentile(Number(stat.slice(1)));
    h.reset();
    if (count === 0) return 0;
    // Recorded figures are whole timer intervals; the delay is what exceeds the resolution
    // (as fastify's under-pressure computes it).
    return Math.max(0, Math.round((ns / 1e6 - this.resolutionMs) * 100) / 100);
  }

  /** Disables and drops the histogram and the idle timer. */
  disable(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.histogram?.disable();
    this.histogram = undefined;
  }

  private armIdleTimer(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.disable(), this.idleDisableMs);
    this.idleTimer.unref();
  }
}
