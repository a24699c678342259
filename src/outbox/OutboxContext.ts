import type { Logger } from 'pino';
import { RedisUnavailableError } from '../errors/RedisUnavailableError';
import type { RedisClient } from '../redis/RedisClient';
import { boundedCommand } from '../redis/boundedCommand';
import { readiness, waitForFirstReady } from '../redis/clientReadiness';
import type { OutboxKeys } from './keys';
import type { OutboxMetrics } from './OutboxMetrics';
import type { ResolvedOutboxOptions } from './OutboxOptions';
import type { UnconfirmedAcks } from './UnconfirmedAcks';

/** What the outbox's parts share: resolved options, keys, metrics, logger. Internal. */
export interface OutboxContext<P> {
  readonly opts: ResolvedOutboxOptions<P>;
  readonly keys: OutboxKeys;
  readonly metrics: OutboxMetrics;
  readonly logger: Logger;
  /** Stream ids that a batch in this process currently owns, so no two batches run one entry. */
  readonly local: Set<string>;
  /** Entries handled here whose acknowledgement Redis has not confirmed: acknowledged, not rerun. */
  readonly unconfirmed: UnconfirmedAcks;
}

/**
 * Runs one Redis command (or script) bounded by `commandTimeoutMs` (or `timeoutMs`), never waiting
 * on ioredis's offline queue.
 */
export function command<T>(
  ctx: { readonly opts: { readonly commandTimeoutMs: number } },
  client: RedisClient,
  what: string,
  run: (client: RedisClient) => Promise<T>,
  timeoutMs = ctx.opts.commandTimeoutMs,
): Promise<T> {
  return boundedCommand(client, timeoutMs, what, run);
}

/** One entry as XREADGROUP / XAUTOCLAIM return it; `fields` is `null` when it was deleted from the stream. */
export interface RawEntry {
  streamId: string;
  fields: unknown[] | null;
}

/** Entries of an XREADGROUP reply for one stream (`null` reply → none). */
export function parseReadReply(reply: unknown): RawEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const perStream = reply[0] as [unknown, unknown[]];
  return parseEntries(perStream[1]);
}

/** `[[id, fields | null], …]` → {@link RawEntry}[]. */
export function parseEntries(list: unknown): RawEntry[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => {
    const [id, fields] = item as [unknown, unknown];
    return { streamId: String(id), fields: Array.isArray(fields) ? (fields as unknown[]) : null };
  });
}

/** True for Redis's "the consumer group does not exist" error. */
export function isNoGroupError(err: unknown): boolean {
  const text =
    err instanceof Error ? `${err.message} ${String((err.cause as Error | undefined)?.message)}` : '';
  return text.includes('NOGROUP');
}

/**
 * Resolves once `client` is ready, waiting at most `timeoutMs` for a client that was never ready (a
 * start-up call made right after `new Redis(url)`); rejects with `RedisUnavailableError` after that,
 * or at once for a client that was ready and lost its connection. Never sends a command, so nothing
 * waits in ioredis's offline queue.
 */
export async function whenReady(client: RedisClient, timeoutMs: number): Promise<void> {
  const state = readiness(client);
  if (state === 'ready') return;
  if (state === 'starting' && (await waitForFirstReady(client, timeoutMs))) return;
  const waited = state === 'starting' ? ` after ${timeoutMs} ms` : '';
  throw new RedisUnavailableError(`Redis is not ready (${client.status})${waited}`);
}
