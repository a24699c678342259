import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { METRICS } from '../metrics/METRICS';
import { counter } from '../metrics/registry';
import { toSafeError } from '../redaction/redact';
import type { FallbackResult } from './FallbackOptions';
import type { SourceRun, SourceRuns } from './SourceRuns';

/** How a background refresh ended: `ok` when a source answered, `error` when none did. */
export type RefreshOutcome = 'ok' | 'error';

const NOOP = { inc: (): void => undefined };

/**
 * Starts background refreshes of a chain's keys (early refresh, stale-while-revalidate) as the key's
 * one source run, and reports how they end: `statuskit_fallback_refreshes_total{name, outcome}` and
 * a debug line per failure (the chain's degraded and recovered lines still say when its sources fail).
 * A failed refresh keeps the cached value and never rejects to anyone. Its work is bounded like any
 * run of the sources (`sourceTimeoutMs` per source), and it holds no timer of its own.
 */
export class BackgroundRefresh<T> {
  private readonly ok: { inc(): void };
  private readonly error: { inc(): void };

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
    registry: Registry | undefined,
    private readonly runs: SourceRuns<FallbackResult<T>>,
  ) {
    if (registry === undefined) {
      this.ok = this.error = NOOP;
      return;
    }
    const c = counter(registry, METRICS.fallbackRefreshes);
    // Both series exist from the start at 0, so rate() sees the first event.
    c.inc({ name, outcome: 'ok' }, 0);
    c.inc({ name, outcome: 'error' }, 0);
    this.ok = c.labels(name, 'ok');
    this.error = c.labels(name, 'error');
  }

  /** Starts `start` as the run of `key` unless one is in flight already (which then refreshes it). */
  refresh(key: string, start: (run: SourceRun<FallbackResult<T>>) => Promise<FallbackResult<T>>): void {
    if (this.runs.has(key)) return;
    this.runs.join(key, start).promise.then(this.settled, this.failed);
  }

  private readonly settled = (r: FallbackResult<T>): void => {
    if (r.source === 'source') this.ok.inc();
    else this.failed(new Error(`no source answered; the cached value stays (${r.source} would be served)`));
  };

  private readonly failed = (err: unknown): void => {
    this.error.inc();
    if (this.logger.isLevelEnabled('debug'))
      this.logger.debug({ fallback: this.name, err: toSafeError(err) }, 'background refresh failed');
  };
}
