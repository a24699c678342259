import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { UnserializableValueError } from '../cache/UnserializableValueError';
import { toSafeError } from '../redaction/redact';
import { fallbackCounts, type FallbackOutcome, type OutcomeCounts } from './fallbackCounts';

export type { FallbackOutcome } from './fallbackCounts';

/**
 * What a fallback chain reports about itself: `statuskit_fallback_total{name, source}` per answer
 * (cells resolved once), and log lines on transitions only — when the chain starts
 * degrading and when it recovers, when the cache tier fails and when it answers again — never one
 * per call, so an outage does not flood the log. Per-call detail is at debug level.
 */
export class ChainHealth {
  /** `statuskit_fallback_total` cells of this chain, one per outcome (see {@link fallbackCounts}). */
  readonly count: OutcomeCounts;
  private degraded = false;
  private cacheDown = false;
  private warnedUnserializable = false;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
    registry: Registry | undefined,
  ) {
    this.count = fallbackCounts(registry, name);
  }

  /** The chain answered from `tier` after the sources before `sourceIndex` failed with `causes`. */
  answered(tier: FallbackOutcome, causes: readonly unknown[], sourceIndex?: number): void {
    if (tier === 'source' && sourceIndex === 0) {
      if (!this.degraded) return;
      this.degraded = false;
      this.logger.info(
        { fallback: this.name },
        `fallback "${this.name}" recovered: the first source answers`,
      );
      return;
    }
    if (this.degraded) return;
    this.degraded = true;
    this.logger.warn(
      { fallback: this.name, source: tier, sourceIndex, err: toSafeError(causes[0]) },
      `fallback "${this.name}" degraded: first source failed, ${describe(tier, sourceIndex)}`,
    );
  }

  /** A cache read succeeded. Hot path: one property read unless the cache was down. */
  cacheAnswered(): void {
    if (!this.cacheDown) return;
    this.cacheDown = false;
    this.logger.info({ fallback: this.name }, `fallback "${this.name}" cache tier answers again`);
  }

  /** A cache read failed (error, unavailable, timed out): treated as a miss. */
  cacheFailed(err: unknown): void {
    if (this.cacheDown) {
      if (this.logger.isLevelEnabled('debug'))
        this.logger.debug({ fallback: this.name, err: toSafeError(err) }, 'cache read failed');
      return;
    }
    this.cacheDown = true;
    this.logger.warn(
      { fallback: this.name, err: toSafeError(err) },
      `fallback "${this.name}" cache tier failed; reading through to the sources`,
    );
  }

  /** A write-back failed; swallowed. A value that cannot be cached is a bug, so warned about once. */
  writeBackFailed(err: unknown): void {
    if (err instanceof UnserializableValueError && !this.warnedUnserializable) {
      this.warnedUnserializable = true;
      this.logger.warn({ fallback: this.name, err: toSafeError(err) }, 'value cannot be cached');
      return;
    }
    if (this.logger.isLevelEnabled('debug'))
      this.logger.debug({ fallback: this.name, err: toSafeError(err) }, 'cache write-back failed');
  }
}

function describe(tier: FallbackOutcome, sourceIndex: number | undefined): string {
  if (tier === 'source') return `answering from source ${sourceIndex}`;
  if (tier === 'error') return 'and nothing else could answer';
  return `answering from ${tier}`;
}
