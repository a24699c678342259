/** Statuses whose `Retry-After` header `retry()` honours (RFC 9110 §10.2.3: 429 and 503). */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** RFC 9110 `delay-seconds`: digits only. */
const DELAY_SECONDS = /^\s*(\d+)\s*$/;
/** Every HTTP-date form names a month; `Date.parse('-5')` would otherwise be the year −5. */
const HTTP_DATE = /[A-Za-z]{3}/;

type Loose = Record<string, unknown>;

function asObject(value: unknown): Loose | undefined {
  return typeof value === 'object' && value !== null ? (value as Loose) : undefined;
}

function statusOf(err: Loose): unknown {
  const response = asObject(err.response);
  return err.status ?? err.statusCode ?? response?.status ?? response?.statusCode;
}

/** `Retry-After` from a plain headers object (any letter case) or a WHATWG `Headers`. */
function headerOf(headers: unknown): unknown {
  const h = asObject(headers);
  if (!h) return undefined;
  if (typeof h.get === 'function') return (h.get as (name: string) => unknown).call(h, 'retry-after');
  return h['retry-after'] ?? h['Retry-After'] ?? h['RETRY-AFTER'];
}

/**
 * Parses a `Retry-After` value into ms from `now`: delay-seconds (`"120"`, or a number of
 * seconds) or an HTTP-date (`"Wed, 21 Oct 2026 07:28:00 GMT"`, a date in the past → 0).
 * `undefined` when the value is neither.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (Array.isArray(value)) value = value[0];
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const seconds = DELAY_SECONDS.exec(value);
  if (seconds) return Number(seconds[1]) * 1000;
  const at = HTTP_DATE.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * How long the server asked us to wait before retrying `err`, in ms, or `undefined`:
 * - `err.retryAfterMs` (a finite number ≥ 0), whatever the error;
 * - else, when the status (`err.status`, `err.statusCode`, `err.response.status`) is 429 or 503,
 *   the `Retry-After` value from `err.headers`, `err.response.headers` (plain object or `Headers`)
 *   or `err.retryAfter`, in seconds or as an HTTP-date.
 */
export function retryAfterMs(err: unknown, now: number = Date.now()): number | undefined {
  const e = asObject(err);
  if (!e) return undefined;
  const explicit = e.retryAfterMs;
  if (typeof explicit === 'number' && Number.isFinite(explicit) && explicit >= 0) return explicit;
  const status = Number(statusOf(e));
  if (!RETRY_AFTER_STATUSES.has(status)) return undefined;
  const value = headerOf(e.headers) ?? headerOf(asObject(e.response)?.headers) ?? e.retryAfter;
  return parseRetryAfter(value, now);
}
