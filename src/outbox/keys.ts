/** Every Redis key one outbox uses; all carry the same hash tag so MULTI and Lua work on Redis Cluster. */
export interface OutboxKeys {
  /** The stream itself. */
  stream: string;
  /** Hash of per-entry run counts (`<streamId>`) and last errors (`<streamId>:e`). */
  state: string;
  /** Hash of parked events: event id → JSON record. */
  review: string;
  /** Prefix of the idempotency keys `<prefix><event id>` (value `1`, expiring after `dedupeTtlMs`). */
  idPrefix: string;
}

/**
 * The keys of the outbox whose `stream` option is `stream`. A name that already carries a Redis
 * hash tag (`app:{orders}:outbox`) is used as is; otherwise its last `:`-separated segment becomes
 * the tag (`statuskit:outbox` → `statuskit:{outbox}`), so the stream and its companion keys always
 * hash to one Cluster slot.
 *
 * @example
 * outboxKeys('statuskit:outbox').review; // 'statuskit:{outbox}:review'
 */
export function outboxKeys(stream: string): OutboxKeys {
  const base = hasHashTag(stream) ? stream : addHashTag(stream);
  return {
    stream: base,
    state: `${base}:state`,
    review: `${base}:review`,
    idPrefix: `${base}:id:`,
  };
}

/** Redis's own rule: the first `{` followed, later, by a `}` with at least one character between. */
export function hasHashTag(key: string): boolean {
  const open = key.indexOf('{');
  if (open < 0) return false;
  const close = key.indexOf('}', open + 1);
  return close > open + 1;
}

function addHashTag(name: string): string {
  const cut = name.lastIndexOf(':');
  if (cut < 0 || cut === name.length - 1) return `{${name}}`;
  return `${name.slice(0, cut + 1)}{${name.slice(cut + 1)}}`;
}
