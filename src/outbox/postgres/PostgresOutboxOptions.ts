import os from 'node:os';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { ConfigError } from '../../errors/ConfigError';
import { MAX_TIMER_MS } from '../../manager/DependencyManagerOptions';
import { assertFunction, assertNonEmptyString, assertOptions, optionalNumber } from '../../validation/assert';
import type { OutboxEvent, OutboxHandler, OutboxHandlerContext } from '../OutboxEvent';
import { resolveBackoff, type OutboxBackoffOptions } from '../OutboxOptions';
import { isPgPool, type PgPool } from './PgLike';

/** Options of `new PostgresOutbox(opts)`. */
export interface PostgresOutboxOptions<P = unknown> {
  /** A `pg` `Pool` you created (set its `connectionTimeoutMillis` too). The outbox holds one of its clients for `LISTEN` while started. */
  pool: PgPool;
  /** Runs each event; a rejection schedules a retry, up to `maxAttempts` runs in all. */
  handler: OutboxHandler<P>;
  /** The table, optionally schema-qualified (`app.outbox`); letters, digits and `_`, at most 40 characters. @default 'statuskit_outbox' */
  table?: string;
  /** Handler runs before an event is parked for manual review. @default 3 */
  maxAttempts?: number;
  /** How long a claimed event stays this consumer's; renewed while it waits or runs. A consumer killed with kill -9 releases its events when it expires. @default 30000 */
  leaseMs?: number;
  /** Bound on one handler run: its `signal` aborts then and the run counts as failed. @default 30000 */
  handlerTimeoutMs?: number;
  /** How often the consumer looks for due events when no notification woke it. @default 1000 */
  pollMs?: number;
  /** Events claimed per query. @default 50 */
  batchSize?: number;
  /** Spacing of retries of a failed handler. */
  backoff?: OutboxBackoffOptions;
  /** This process's name as the lease owner. @default `${hostname}-${pid}` */
  consumer?: string;
  /** Bound on every query of ours (cancelled on the server past it). @default 2000 */
  queryTimeoutMs?: number;
  /** Keep handled rows (status `DONE`) this long, so their ids still deduplicate; 0 deletes them at once. @default 0 */
  retainMs?: number;
  /** How long `stop()` waits for a handler in flight before giving up (its event runs again later). @default 10000 */
  stopTimeoutMs?: number;
  /** pino logger. @default silent */
  logger?: Logger;
  /** prom-client registry; `false` for none. @default the global registry */
  registry?: Registry | false;
}

/** Defaults of {@link PostgresOutboxOptions}. */
export const POSTGRES_OUTBOX_DEFAULTS = Object.freeze({
  table: 'statuskit_outbox',
  maxAttempts: 3,
  leaseMs: 30_000,
  handlerTimeoutMs: 30_000,
  pollMs: 1000,
  batchSize: 50,
  queryTimeoutMs: 2000,
  retainMs: 0,
  stopTimeoutMs: 10_000,
});

/** A table name: one or two identifiers of letters, digits and `_`. */
const TABLE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** Options after validation and defaults. Internal. */
export interface ResolvedPostgresOutboxOptions<P> {
  pool: PgPool;
  // Method syntax on purpose: parts typed with `unknown` payloads accept any outbox's options.
  handler(event: OutboxEvent<P>, context: OutboxHandlerContext): Promise<void>;
  table: string;
  maxAttempts: number;
  leaseMs: number;
  handlerTimeoutMs: number;
  pollMs: number;
  batchSize: number;
  backoff: Required<OutboxBackoffOptions>;
  consumer: string;
  queryTimeoutMs: number;
  retainMs: number;
  stopTimeoutMs: number;
}

/** Validates every option (throwing {@link ConfigError} naming it) and applies the defaults. */
export function resolvePostgresOutboxOptions<P>(
  input: PostgresOutboxOptions<P>,
): ResolvedPostgresOutboxOptions<P> {
  const o = assertOptions<PostgresOutboxOptions<P>>('options', input);
  if (!isPgPool(o.pool)) throw new ConfigError('pool', o.pool, 'a pg Pool');
  const d = POSTGRES_OUTBOX_DEFAULTS;
  const ms = (name: keyof PostgresOutboxOptions, fallback: number, min: number): number =>
    optionalNumber(name, o[name], fallback, { min, max: MAX_TIMER_MS, integer: true });
  const table = o.table === undefined ? d.table : assertNonEmptyString('table', o.table);
  if (!TABLE_PATTERN.test(table) || table.length > 40) {
    throw new ConfigError(
      'table',
      table,
      'an identifier (or schema.identifier) of at most 40 letters, digits or _',
    );
  }
  const queryTimeoutMs = ms('queryTimeoutMs', d.queryTimeoutMs, 1);
  const leaseMs = ms('leaseMs', d.leaseMs, 10);
  if (leaseMs < 2 * queryTimeoutMs) {
    // The lease is renewed every third of it by a query that may take queryTimeoutMs.
    throw new ConfigError('leaseMs', leaseMs, `≥ 2 × queryTimeoutMs (${2 * queryTimeoutMs})`);
  }
  return {
    pool: o.pool,
    handler: assertFunction<OutboxHandler<P>>('handler', o.handler),
    table,
    maxAttempts: optionalNumber('maxAttempts', o.maxAttempts, d.maxAttempts, {
      min: 1,
      max: 1000,
      integer: true,
    }),
    leaseMs,
    handlerTimeoutMs: ms('handlerTimeoutMs', d.handlerTimeoutMs, 1),
    pollMs: ms('pollMs', d.pollMs, 10),
    batchSize: optionalNumber('batchSize', o.batchSize, d.batchSize, { min: 1, max: 10_000, integer: true }),
    backoff: resolveBackoff(o.backoff),
    consumer:
      o.consumer === undefined
        ? `${os.hostname()}-${process.pid}`
        : assertNonEmptyString('consumer', o.consumer),
    queryTimeoutMs,
    retainMs: optionalNumber('retainMs', o.retainMs, d.retainMs, { min: 0, integer: true }),
    stopTimeoutMs: ms('stopTimeoutMs', d.stopTimeoutMs, 1),
  };
}
