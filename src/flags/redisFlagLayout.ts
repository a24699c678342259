/**
 * Where `RedisFlagStore` keeps flags: one hash whose key carries a hash tag, so the
 * store works on Redis Cluster, and a pub/sub channel for change notices.
 *
 * - prefix `statuskit:flags` → hash `statuskit:{flags}`, channel `statuskit:{flags}:changed`
 * - prefix `myapp` → hash `{myapp}`, channel `{myapp}:changed`
 * - a prefix that already holds a `{tag}` is used as is: `shop:{ff}` → hash `shop:{ff}`
 *
 * Each hash field is a flag key; its value is the flag as JSON (`{ key, enabled, description,
 * updatedAt, updatedBy }`). Each notice on the channel is the new flag as JSON.
 */
export interface RedisFlagLayout {
  /** The hash holding every flag. */
  hash: string;
  /** The channel carrying change notices. */
  channel: string;
}

/** Accepted prefixes: 1–200 printable ASCII characters without spaces. */
export const FLAG_PREFIX_PATTERN = /^[!-~]{1,200}$/;

/** The hash and channel names for `prefix` (see {@link RedisFlagLayout}). */
export function redisFlagLayout(prefix: string): RedisFlagLayout {
  const hash = /\{[^{}]+\}/.test(prefix) ? prefix : tagLastSegment(prefix);
  return { hash, channel: `${hash}:changed` };
}

function tagLastSegment(prefix: string): string {
  const trimmed = prefix.replace(/:+$/, '') || prefix;
  const i = trimmed.lastIndexOf(':');
  return i < 0 ? `{${trimmed}}` : `${trimmed.slice(0, i + 1)}{${trimmed.slice(i + 1)}}`;
}

/**
 * Writes one flag and announces it, atomically: reads the previous value, keeps its description
 * when the caller gave none (ARGV[3] = '1'), stores the new JSON and publishes it.
 * KEYS[1] = hash; ARGV = field, new flag JSON, keep-description, channel.
 * Returns `{ previous JSON or nil, new JSON }`.
 */
export const SET_FLAG_SCRIPT = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
local flag = cjson.decode(ARGV[2])
if ARGV[3] == '1' then
  flag.description = ''
  if old then
    local ok, prev = pcall(cjson.decode, old)
    if ok and type(prev) == 'table' and type(prev.description) == 'string' then
      flag.description = prev.description
    end
  end
end
local encoded = cjson.encode(flag)
redis.call('HSET', KEYS[1], ARGV[1], encoded)
redis.call('PUBLISH', ARGV[4], encoded)
return { old or false, encoded }
`;
