import type { Logger } from 'pino';
import { ConfigError } from '../errors/ConfigError';
import { OutcomeUnknownError } from '../errors/OutcomeUnknownError';
import { RedisUnavailableError } from '../errors/RedisUnavailableError';
import { TimeoutError } from '../errors/TimeoutError';
import { resolveLogger } from '../logging/resolveLogger';
import { boundedCommand } from '../redis/boundedCommand';
import { trackClient } from '../redis/clientReadiness';
import { isRedisClient, type RedisClient } from '../redis/RedisClient';
import { assertOptions, assertString, optionalNumber } from '../validation/assert';
import { parseFlag, type Flag } from './Flag';
import type { FlagNotice, FlagStore, FlagUnsubscribe, FlagWrite, FlagWriteResult } from './FlagStore';
import {
  FLAG_PREFIX_PATTERN,
  redisFlagLayout,
  SET_FLAG_SCRIPT,
  type RedisFlagLayout,
} from './redisFlagLayout';
import { RedisFlagSubscriber } from './RedisFlagSubscriber';

/** Options of `new RedisFlagStore(redis, opts)`. */
export interface RedisFlagStoreOptions {
  /**
   * Key prefix; its last `:` segment becomes the hash tag (`statuskit:flags` → hash
   * `statuskit:{flags}`, channel `statuskit:{flags}:changed`). @default 'statuskit:flags'
   */
  prefix?: string;
  /** Bound on every Redis command (and on the wait for the first subscription), in ms. @default 1000 */
  commandTimeoutMs?: number;
  /** pino logger for connection trouble; logs through `logger.child({ component: 'flags-redis' })`. @default a silent logger */
  logger?: Logger;
}

/** Defaults of {@link RedisFlagStoreOptions}. */
export const REDIS_FLAG_STORE_DEFAULTS = Object.freeze({
  prefix: 'statuskit:flags',
  commandTimeoutMs: 1000,
});

/**
 * A {@link FlagStore} in Redis, shared by every instance: one hash under a hash tag plus a pub/sub
 * channel for change notices (see {@link RedisFlagLayout}). Works with an ioredis `Redis` or
 * `Cluster`. No command ever waits on ioredis's offline queue: while Redis is down, `load` and
 * `set` reject within `commandTimeoutMs` and `FeatureFlags` keeps answering from its snapshot.
 * The subscriber connection is `redis.duplicate()`, opened on the first subscription and closed
 * with the last; the caller's client is never closed.
 *
 * @example
 * const flags = new FeatureFlags({ store: new RedisFlagStore(new Redis(process.env.REDIS_URL)) });
 */
export class RedisFlagStore implements FlagStore {
  /** The hash and channel names in use. */
  readonly layout: RedisFlagLayout;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly subscriber: RedisFlagSubscriber;
  private readonly warnedFields = new Set<string>();

  constructor(
    private readonly redis: RedisClient,
    opts?: RedisFlagStoreOptions,
  ) {
    if (!isRedisClient(redis)) throw new ConfigError('redis', redis, 'an ioredis Redis or Cluster client');
    const o = assertOptions<RedisFlagStoreOptions>('options', opts);
    const prefix =
      o.prefix === undefined
        ? REDIS_FLAG_STORE_DEFAULTS.prefix
        : assertString(
            'prefix',
            o.prefix,
            FLAG_PREFIX_PATTERN,
            '1–200 printable ASCII characters, no spaces',
          );
    this.timeoutMs = optionalNumber(
      'commandTimeoutMs',
      o.commandTimeoutMs,
      REDIS_FLAG_STORE_DEFAULTS.commandTimeoutMs,
      { min: 1, max: 60_000, integer: true },
    );
    this.logger = resolveLogger(o.logger, 'flags-redis');
    trackClient(redis);
    this.layout = redisFlagLayout(prefix);
    this.subscriber = new RedisFlagSubscriber(redis, this.layout.channel, this.timeoutMs, this.logger);
  }

  /** Every stored flag (HGETALL), skipping malformed fields. Rejects with `RedisUnavailableError`/`TimeoutError`. */
  async load(): Promise<Flag[]> {
    const raw = await boundedCommand(this.redis, this.timeoutMs, 'HGETALL flags', (c) =>
      c.hgetall(this.layout.hash),
    );
    const flags: Flag[] = [];
    for (const [field, json] of Object.entries(raw)) {
      const flag = parseFlag(json, field);
      if (flag) flags.push(flag);
      else this.warnMalformed(field);
    }
    return flags;
  }

  /**
   * Writes and publishes one flag atomically (one Lua script). Rejects with `RedisUnavailableError`,
   * nothing sent, when Redis is unavailable; with `OutcomeUnknownError` when the script was sent but
   * not answered within `commandTimeoutMs` (it may still be applied when the server answers).
   */
  async set(write: FlagWrite): Promise<FlagWriteResult> {
    const json = JSON.stringify({
      key: write.key,
      enabled: write.enabled,
      description: write.description ?? '',
      updatedAt: write.at,
      updatedBy: write.actor,
    });
    const keep = write.description === undefined ? '1' : '0';
    let reply: unknown;
    try {
      reply = await boundedCommand(this.redis, this.timeoutMs, `set flag "${write.key}"`, (c) =>
        c.eval(SET_FLAG_SCRIPT, 1, this.layout.hash, write.key, json, keep, this.layout.channel),
      );
    } catch (err) {
      // A timeout comes only after the script was written to a ready connection: it may still run.
      if (!(err instanceof TimeoutError)) throw err;
      throw new OutcomeUnknownError(
        `set flag "${write.key}" was sent but not answered within ${this.timeoutMs} ms: it may or may not have been applied`,
        err,
      );
    }
    const [oldJson, newJson] = reply as [string | null, string];
    const flag = parseFlag(newJson, write.key);
    if (!flag) throw new RedisUnavailableError(`Redis returned an unreadable flag "${write.key}"`);
    return { flag, previous: oldJson === null ? undefined : parseFlag(oldJson, write.key) };
  }

  /** Listens on the change channel through a duplicated connection; see {@link FlagStore.subscribe}. */
  subscribe(listener: (notice: FlagNotice) => void): Promise<FlagUnsubscribe> {
    return this.subscriber.add(listener);
  }

  /** Closes the subscriber connection (the caller's client stays open). Safe to call twice. */
  close(): Promise<void> {
    this.subscriber.close();
    return Promise.resolve();
  }

  private warnMalformed(field: string): void {
    if (this.warnedFields.has(field) || this.warnedFields.size >= 1000) return;
    this.warnedFields.add(field);
    this.logger.warn({ hash: this.layout.hash, field }, 'ignored a malformed flag in Redis');
  }
}
