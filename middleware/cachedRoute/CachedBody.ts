import type { OutgoingHttpHeaders } from 'node:http';
import type { Request, Response } from 'express';

/** Response headers as {@link cachedRoute} stores and replays them: lower-case names, text values. */
export type StoredHeaders = Record<string, string | string[]>;

/** What {@link cachedRoute} stores: the status, the JSON text and the route's own headers. */
export interface CachedBody {
  status: number;
  body: string;
  /** Absent on entries written before headers were kept: those replay none. */
  headers?: StoredHeaders;
}

/**
 * What {@link cachedRoute} stores under a route's key when the route answered with `Vary`: the
 * request headers it varies by (lower case, sorted), so a lookup knows which variant key to read.
 */
export interface VaryRecord {
  vary: string[];
}

/** Separates a key from the request-header values of one variant: `<key>;vary;<name>=<value>;…`. */
export const VARY_SEPARATOR = ';vary;';

/**
 * Never stored for replay: hop-by-hop headers (they describe one connection), `Set-Cookie` (one
 * client's), `Date`, `Content-Length` and `Age` (computed per answer), `Content-Encoding` (the stored
 * text is what the route wrote, before any compression middleware encoded it) and our own headers.
 */
const NOT_REPLAYED = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'set-cookie',
  'date',
  'content-length',
  'content-encoding',
  'age',
  'x-statuskit-source',
  'cache-status',
]);

/** RFC 9110 token: what a header name in `Vary` must be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const NO_VARY: string[] = [];
const SHARED_CACHE_FORBIDDEN = /(?:^|[\s,])(?:private|no-store|no-cache)\b/i;

/** `true` when `v` is a {@link CachedBody} (also one written before headers were kept). */
export function isCachedBody(v: unknown): v is CachedBody {
  if (typeof v !== 'object' || v === null) return false;
  const b = v as CachedBody;
  return (
    typeof b.status === 'number' &&
    typeof b.body === 'string' &&
    (b.headers === undefined || (typeof b.headers === 'object' && b.headers !== null))
  );
}

/** `true` when `v` is a {@link VaryRecord}. */
export function isVaryRecord(v: unknown): v is VaryRecord {
  if (typeof v !== 'object' || v === null) return false;
  const vary = (v as VaryRecord).vary;
  return Array.isArray(vary) && vary.every((n) => typeof n === 'string');
}

/**
 * The request headers a response varies by — lower case, sorted, `[]` for none — or `undefined` when
 * a shared cache must not store the response: it sets a cookie, says `Cache-Control: private`,
 * `no-store` or `no-cache`, or has `Vary: *` or a `Vary` that is not a list of header names.
 */
export function storableVary(res: Response): string[] | undefined {
  if (res.getHeader('set-cookie') !== undefined) return undefined;
  const cc = res.getHeader('cache-control');
  if (cc !== undefined && SHARED_CACHE_FORBIDDEN.test(String(cc))) return undefined;
  const vary = res.getHeader('vary');
  if (vary === undefined) return NO_VARY;
  const names = new Set<string>();
  for (const part of (Array.isArray(vary) ? vary.join(',') : String(vary)).split(',')) {
    const name = part.trim();
    if (name === '') continue;
    if (name === '*' || !TOKEN.test(name)) return undefined;
    names.add(name.toLowerCase());
  }
  return [...names].sort();
}

/**
 * The key of the variant of `key` that `req` selects: the values of the `vary` request headers,
 * percent-encoded so no value can spill into the next (`<key>;vary;accept-language=fr;x-tenant`,
 * a header the request lacks being a bare name). Whitespace around list commas is normalised.
 */
export function variantKey(key: string, vary: readonly string[], req: Request): string {
  let out = key + VARY_SEPARATOR;
  for (let i = 0; i < vary.length; i++) {
    const name = vary[i];
    const value = req.headers[name];
    if (i > 0) out += ';';
    out += name;
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    out += '=' + encodeURIComponent(text.trim().replace(/\s*,\s*/g, ','));
  }
  return out;
}

/**
 * The headers of the answer to store for replay: everything the route set (a header that had the
 * same value before the route ran came from an earlier middleware and is that request's own), minus
 * {@link NOT_REPLAYED}, `Proxy-*` and the headers `Connection` names as hop-by-hop.
 */
export function replayableHeaders(res: Response, before: OutgoingHttpHeaders): StoredHeaders {
  const all = res.getHeaders();
  const out: StoredHeaders = {};
  const connection =
    all.connection === undefined ? '' : `,${String(all.connection).toLowerCase().replace(/\s+/g, '')},`;
  for (const name in all) {
    const value = all[name];
    if (value === undefined || NOT_REPLAYED.has(name) || name.startsWith('proxy-')) continue;
    if (connection !== '' && connection.includes(`,${name},`)) continue;
    if (sameValue(before[name], value)) continue;
    out[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

function sameValue(a: OutgoingHttpHeaders[string], b: OutgoingHttpHeaders[string]): boolean {
  if (a === undefined) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return String(a) === String(b);
}

/** Sets the stored headers on `res` (a hit or a stale answer). */
export function replayHeaders(res: Response, headers: StoredHeaders | undefined): void {
  if (headers === undefined) return;
  for (const name in headers) res.setHeader(name, headers[name]);
}

/**
 * Puts `res`'s headers back to `before` (what they were when the route started), dropping what a
 * failed route set, so that a stale body or a stub goes out with its own headers only.
 */
export function restoreHeaders(res: Response, before: OutgoingHttpHeaders): void {
  for (const name of res.getHeaderNames()) if (before[name] === undefined) res.removeHeader(name);
  for (const name in before) {
    const value = before[name];
    if (value !== undefined) res.setHeader(name, value);
  }
}
