import type { CheckOutcome, Dependency, DependencyOptions } from '../dependencies/Dependency';
import { redact } from '../redaction/redact';
import { assertOptions } from '../validation/assert';

/** The counts a health check reads (bounded by the outbox's command timeout). */
export type OutboxCountsReader = () => Promise<{ pending: number; review: number }>;

/**
 * A {@link Dependency} reporting an outbox's state: `OUTAGE` when Redis cannot be reached, `MINOR`
 * while manual review holds events (someone must look), else `OK` with the pending count as its
 * observed value. Every `Dependency` field can be overridden through `opts`.
 */
export function outboxHealthCheck(
  read: OutboxCountsReader,
  stream: string,
  opts?: DependencyOptions,
): Dependency {
  const overrides = assertOptions<DependencyOptions>('opts', opts);
  return {
    id: 'outbox',
    type: 'redis',
    description: `Outbox on Redis stream ${stream}`,
    ...overrides,
    check: async (): Promise<CheckOutcome> => {
      let counts: { pending: number; review: number };
      try {
        counts = await read();
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        return { status: 'OUTAGE', message: `Redis unreachable: ${redact(why)}` };
      }
      if (counts.review > 0) {
        return {
          status: 'MINOR',
          message: `${counts.review} event${counts.review === 1 ? '' : 's'} need manual review`,
          observedValue: counts.review,
          observedUnit: 'events',
        };
      }
      return {
        status: 'OK',
        message: `${counts.pending} pending`,
        observedValue: counts.pending,
        observedUnit: 'events',
      };
    },
  };
}
