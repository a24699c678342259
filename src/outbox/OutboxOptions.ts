import os from 'node:os';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { ConfigError } from '../errors/ConfigError';
import { isRedisClient, type RedisClient } from '../redis/RedisClient';
import { JITTERS, type Jitter } from '../retry/backoffDelay';
import {
  assertFunction,
  assertNonEmptyString,
  assertOneOf,
  assertOptions,
  optionalNumber,
} from '../validation/assert';
import { MAX_TIMER_MS } from '../manager/DependencyManagerOptions';
import type { OutboxEvent, OutboxHandler, OutboxHandlerContext } from './OutboxEvent';

/** How failed handler runs are spaced (the retry schedule of `retry`). */
export interface OutboxBackoffOptions {
  /** Delay before the first retry, before jitter. @default 500 */
  baseMs?: number;
  /** Cap on any one delay. @default 10000 */
  maxMs?: number;
  /** @default 'equal' (never shorter than half the step, so a failing handler never spins) */
  jitter?: Jitter;
}

/** Options of `new Outbox(opts)`. */
export interface OutboxOptions<P = unknown> {
  /** An ioredis `Redis` or `Cluster` you created; the consumer loop runs on `redis.duplicate()`. */
  redis: RedisClient;
  /** Runs each event; a rejection schedules a retry, up to `maxAttempts` runs in all. */
  handler: OutboxHandler<P>;
  /** Stream name; a hash tag is added when it has none. @default 'statuskit:outbox' (key `statuskit:{outbox}`) */
  stream?: string;
  /** Consumer group. @default 'statuskit' */
  group?: string;
  /** This process's consumer name; a stable name lets a restart replay its own entries at once. @default `${hostname}-${pid}` */
  consumer?: string;
  /** Handler runs before an event is parked for manual review. @default 3 */
  maxAttempts?: number;
  /** Another consumer's entry idle this long is claimed (dead consumer). Keep it above your longest handler run's gap. @default 30000 */
  claimIdleMs?: number;
  /** Bound on every Redis command of ours (`add` rejects after it). @default 1000 */
  commandTimeoutMs?: number;
  /** How long one XREADGROUP waits for new entries. @default 2000 */
  blockMs?: number;
  /** Entries read per XREADGROUP / XAUTOCLAIM. @default 100 */
  batchSize?: number;
  /** Spacing of retries of a failed handler. */
  backoff?: OutboxBackoffOptions;
  /** How long an idempotency key is remembered; 0 = forever. @default 86400000 (24 h) */
  dedupeTtlMs?: number;
  /** How often acknowledged entries are trimmed from the stream; 0 = never. @default 60000 */
  trimIntervalMs?: number;
  /** How long `stop()` waits for a handler in flight before giving up (the event stays pending). @default 10000 */
  stopTimeoutMs?: number;
  /**
   * Bound on one handler run: its `signal` aborts then, the run counts as failed, and the consumer
   * moves on, leaving the entry pending (no longer kept fresh) for any consumer to claim once it
   * has been idle `claimIdleMs`. @default 30000
   */
  handlerTimeoutMs?: number;
  /** pino logger. @default silent */
  logger?: Logger;
  /** prom-client registry; `false` for none. @default the global registry */
  registry?: Registry | false;
}

/** Defaults of {@link OutboxOptions}. */
export const OUTBOX_DEFAULTS = Object.freeze({
  stream: 'statuskit:outbox',
  group: 'statuskit',
  maxAttempts: 3,
  claimIdleMs: 30_000,
  commandTimeoutMs: 1000,
  blockMs: 2000,
  batchSize: 100,
  backoff: Object.freeze({ baseMs: 500, maxMs: 10_000, jitter: 'equal' }),
  dedupeTtlMs: 86_400_000,
  trimIntervalMs: 60_000,
  stopTimeoutMs: 10_000,
  handlerTimeoutMs: 30_000,
});

/** Options after validation and defaults. */
export interface ResolvedOutboxOptions<P> {
  redis: RedisClient;
  // Method syntax on purpose: parts typed with `unknown` payloads accept any outbox's options.
  handler(event: OutboxEvent<P>, context: OutboxHandlerContext): Promise<void>;
  stream: string;
  group: string;
  consumer: string;
  maxAttempts: number;
  claimIdleMs: number;
  commandTimeoutMs: number;
  blockMs: number;
  batchSize: number;
  backoff: Required<OutboxBackoffOptions>;
  dedupeTtlMs: number;
  trimIntervalMs: number;
  stopTimeoutMs: number;
  handlerTimeoutMs: number;
}

/** Validates every option (throwing {@link ConfigError} naming it) and applies the defaults. */
export function resolveOutboxOptions<P>(input: OutboxOptions<P>): ResolvedOutboxOptions<P> {
  const o = assertOptions<OutboxOptions<P>>('options', input);
  if (!isRedisClient(o.redis)) throw new ConfigError('redis', o.redis, 'an ioredis Redis or Cluster client');
  const d = OUTBOX_DEFAULTS;
  const ms = (name: keyof OutboxOptions, fallback: number, min = 0): number =>
    optionalNumber(name, o[name], fallback, { min, integer: true });
  return {
    redis: o.redis,
    handler: assertFunction<OutboxHandler<P>>('handler', o.handler),
    stream: o.stream === undefined ? d.stream : assertNonEmptyString('stream', o.stream),
    group: o.group === undefined ? d.group : assertNonEmptyString('group', o.group),
    consumer:
      o.consumer === undefined
        ? `${os.hostname()}-${process.pid}`
        : assertNonEmptyString('consumer', o.consumer),
    maxAttempts: ms('maxAttempts', d.maxAttempts, 1),
    claimIdleMs: ms('claimIdleMs', d.claimIdleMs, 10),
    commandTimeoutMs: ms('commandTimeoutMs', d.commandTimeoutMs, 1),
    blockMs: ms('blockMs', d.blockMs, 1),
    batchSize: optionalNumber('batchSize', o.batchSize, d.batchSize, { min: 1, max: 10_000, integer: true }),
    backoff: resolveBackoff(o.backoff),
    dedupeTtlMs: ms('dedupeTtlMs', d.dedupeTtlMs),
    trimIntervalMs: ms('trimIntervalMs', d.trimIntervalMs),
    stopTimeoutMs: ms('stopTimeoutMs', d.stopTimeoutMs, 1),
    // A longer delay overflows Node's timer and fires at once.
    handlerTimeoutMs: optionalNumber('handlerTimeoutMs', o.handlerTimeoutMs, d.handlerTimeoutMs, {
      min: 1,
      max: MAX_TIMER_MS,
      integer: true,
    }),
  };
}

/** Validates the `backoff` option (shared by both outboxes) and applies its defaults. */
export function resolveBackoff(input: unknown): Required<OutboxBackoffOptions> {
  const b = assertOptions<OutboxBackoffOptions>('backoff', input);
  const d = OUTBOX_DEFAULTS.backoff;
  const baseMs = optionalNumber('backoff.baseMs', b.baseMs, d.baseMs, { min: 1 });
  const maxMs = optionalNumber('backoff.maxMs', b.maxMs, Math.max(d.maxMs, baseMs), { min: 1 });
  if (maxMs < baseMs) throw new ConfigError('backoff.maxMs', maxMs, `≥ backoff.baseMs (${baseMs})`);
  const jitter = b.jitter === undefined ? d.jitter : assertOneOf('backoff.jitter', b.jitter, JITTERS);
  return { baseMs, maxMs, jitter };
}
