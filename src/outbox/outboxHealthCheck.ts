import type { CheckOutcome, Dependency, DependencyOptions } from '../dependencies/Dependency';
import { redact } from '../redaction/redact';
import { assertOptions, optionalNumber } from '../validation/assert';

/** What is not handled yet, as the health check and the gauges read it. */
export interface OutboxCounts {
  /** Events not handled yet: never delivered, or delivered and not acknowledged. */
  pending: number;
  /** Events parked for manual review. */
  review: number;
  /** Age of the oldest event not handled yet (by its stream id); `undefined` when there is none. */
  oldestAgeMs: number | undefined;
}

/** The counts a health check reads (bounded by the outbox's command timeout). */
export type OutboxCountsReader = () => Promise<OutboxCounts>;

/** Where an outbox keeps its events, as its health check names it. Internal. */
export interface OutboxStore {
  /** The dependency's `type`, e.g. `'redis'`. */
  type: string;
  /** The dependency's default description. */
  description: string;
  /** What the OUTAGE message says cannot be reached, e.g. `'Redis'`. */
  name: string;
}

/** The store of an outbox on a Redis stream. */
export function redisStore(stream: string): OutboxStore {
  return { type: 'redis', description: `Outbox on Redis stream ${stream}`, name: 'Redis' };
}

/** Options of `outbox.healthCheck(opts)`: any `Dependency` field, and the age rule. */
export interface OutboxHealthOptions extends DependencyOptions {
  /**
   * The oldest unhandled event may be this old before the outbox is `MINOR`; past 5 × this it is
   * `MAJOR` (events are stuck, not just slow). @default 60000
   */
  maxAgeMs?: number;
}

/** Defaults of {@link OutboxHealthOptions}. */
export const OUTBOX_HEALTH_DEFAULTS = Object.freeze({ maxAgeMs: 60_000 });

/** How much older than `maxAgeMs` the oldest event must be for `MAJOR`. */
const MAJOR_FACTOR = 5;

/**
 * A {@link Dependency} reporting an outbox's state: `OUTAGE` when its store cannot be reached, `MAJOR`
 * when the oldest unhandled event is older than 5 × `maxAgeMs`, `MINOR` while manual review holds
 * events (someone must look) or it is older than `maxAgeMs`, else `OK`. The message says how many
 * are pending and how old the oldest is; the observed value is the manual-review count while there
 * is one, else the pending count. Every `Dependency` field can be overridden through `opts`.
 */
export function outboxHealthCheck(
  read: OutboxCountsReader,
  store: OutboxStore,
  opts?: OutboxHealthOptions,
): Dependency {
  const { maxAgeMs: maxAge, ...overrides } = assertOptions<OutboxHealthOptions>('opts', opts);
  const maxAgeMs = optionalNumber('maxAgeMs', maxAge, OUTBOX_HEALTH_DEFAULTS.maxAgeMs, {
    min: 1,
    integer: true,
  });
  return {
    id: 'outbox',
    type: store.type,
    description: store.description,
    ...overrides,
    check: async (): Promise<CheckOutcome> => {
      let counts: OutboxCounts;
      try {
        counts = await read();
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        return { status: 'OUTAGE', message: `${store.name} unreachable: ${redact(why)}` };
      }
      return outcomeOf(counts, maxAgeMs);
    },
  };
}

function outcomeOf({ pending, review, oldestAgeMs }: OutboxCounts, maxAgeMs: number): CheckOutcome {
  const age = oldestAgeMs ?? 0;
  const limit = age > MAJOR_FACTOR * maxAgeMs ? MAJOR_FACTOR * maxAgeMs : age > maxAgeMs ? maxAgeMs : 0;
  let message = `${pending} pending`;
  if (pending > 0 && oldestAgeMs !== undefined) message += `, the oldest ${seconds(oldestAgeMs)} old`;
  if (limit > 0) message += ` (over ${seconds(limit)})`;
  if (review > 0) message = `${review} event${review === 1 ? ' needs' : 's need'} manual review; ${message}`;
  const status = limit > maxAgeMs ? 'MAJOR' : limit > 0 || review > 0 ? 'MINOR' : 'OK';
  return {
    status,
    message,
    observedValue: review > 0 ? review : pending,
    observedUnit: 'events',
  };
}

/** `2.5 s` under 10 s, whole seconds above. */
function seconds(ms: number): string {
  return ms < 10_000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Math.round(ms / 1000)} s`;
}
