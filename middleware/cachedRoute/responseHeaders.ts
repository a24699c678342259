import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';
import { replayHeaders, type CachedBody } from './CachedBody';

/** Where a {@link cachedRoute} answer came from: the `X-Statuskit-Source` header. */
export type RouteSource = 'cache' | 'origin' | 'stale' | 'stub';

/** A response's `end`, taken off the object so a wrapper can still reach the original. */
export type EndFn = (...args: unknown[]) => unknown;

/** The response's current `end` (the original, before {@link OriginRun} wraps it). */
export function endOf(res: Response): EndFn {
  return (res as unknown as Record<'end', EndFn>).end;
}

/** The header naming the tier that answered. */
export const SOURCE_HEADER = 'X-Statuskit-Source';

const CACHE_NAME = 'statuskit';
/** Headers describing the failed origin body, dropped before a stale body or stub replaces it. */
const BODY_HEADERS = [
  'Content-Length',
  'Content-Type',
  'Content-Encoding',
  'Content-Language',
  'ETag',
  'Last-Modified',
];

/** RFC 9211 `Cache-Status` of a fresh hit, with the seconds of freshness left. */
export function hitStatus(ttlLeftMs: number): string {
  return `${CACHE_NAME}; hit; ttl=${Math.floor(ttlLeftMs / 1000)}`;
}

/**
 * RFC 9211 `Cache-Status` of a request that missed and was held behind another request's run of the
 * route (single flight): it was collapsed into that forward and got the body it stored, with the
 * seconds of freshness left.
 */
export function collapsedStatus(ttlLeftMs: number): string {
  return `${CACHE_NAME}; fwd=miss; collapsed; ttl=${Math.floor(ttlLeftMs / 1000)}`;
}

/**
 * `Cache-Status` of an answer the route produced (`stored` when it went to the cache; `early` when
 * the request was let through to refresh a body still fresh, which the cache treats as due).
 */
export function originStatus(hadStale: boolean, stored: boolean, early = false): string {
  const s = `${CACHE_NAME}; fwd=${hadStale ? 'stale' : 'miss'}${stored ? '; stored' : ''}`;
  return early ? `${s}; detail=early-refresh` : s;
}

/**
 * `Cache-Status` of a stale body served at once while another request refreshes it
 * (`staleWhileRevalidate`); the negative `ttl` says how long ago it went stale.
 */
export function revalidateStatus(ageOverMs: number): string {
  return `${CACHE_NAME}; hit; ttl=${-Math.ceil(ageOverMs / 1000)}; detail=stale-while-revalidate`;
}

/** `Cache-Status` of an answer to a request with credentials, which the cache does not handle. */
export const BYPASS_STATUS = `${CACHE_NAME}; fwd=bypass`;

/**
 * `Cache-Status` of a rescue: the route failed (`failure` is its status, or `'timeout'`) and a stale
 * body (negative `ttl`: how long ago it went stale) or the stub answered instead.
 */
export function rescueStatus(
  kind: 'stale' | 'stub',
  failure: number | 'timeout',
  ageOverMs?: number,
): string {
  let s = `${CACHE_NAME}; fwd=${kind === 'stale' ? 'stale' : 'miss'}`;
  if (failure !== 'timeout') s += `; fwd-status=${failure}`;
  if (kind === 'stale' && ageOverMs !== undefined) s += `; ttl=${-Math.ceil(ageOverMs / 1000)}`;
  s += `; detail=${kind === 'stub' ? 'stub' : failure === 'timeout' ? 'timeout' : 'stale-if-error'}`;
  return s;
}

/**
 * Drops what a failed route (or an earlier middleware) set about the body it was going to send,
 * before a stale body or a stub replaces it. A hit skips this: no route ran, and the headers stored
 * with the body replace the few an earlier middleware could have set.
 */
export function clearBodyHeaders(res: Response): void {
  for (const h of BODY_HEADERS) res.removeHeader(h);
}

/**
 * Answers `body` as JSON with `end` (the response's own `end`, bypassing any wrapper), with the
 * headers stored along with it.
 */
export function answerJson(
  res: Response,
  end: EndFn,
  body: CachedBody,
  source: RouteSource,
  cacheStatus: string,
  ageMs?: number,
): void {
  res.statusCode = body.status;
  res.statusMessage = STATUS_CODES[body.status] ?? '';
  replayHeaders(res, body.headers);
  if (body.headers?.['content-type'] === undefined) {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
  }
  res.setHeader('Content-Length', Buffer.byteLength(body.body, 'utf8'));
  res.setHeader(SOURCE_HEADER, source);
  res.setHeader('Cache-Status', cacheStatus);
  if (ageMs !== undefined) res.setHeader('Age', Math.max(0, Math.floor(ageMs / 1000)));
  if (res.req.method === 'HEAD') end.call(res);
  else end.call(res, body.body, 'utf8');
}

/**
 * The JSON text of a response the route is ending with `chunk`, when it may be cached: a 2xx JSON
 * body in UTF-8. Otherwise `undefined`. Its headers are judged apart, once final (`storableVary`).
 */
export function cacheableBody(res: Response, chunk: unknown, encoding: unknown): string | undefined {
  const status = res.statusCode;
  if (status < 200 || status > 299 || chunk === undefined || chunk === null) return undefined;
  const ct = res.getHeader('Content-Type');
  if (ct === undefined || !/[/+]json\b/i.test(String(ct))) return undefined;
  if (typeof chunk === 'string') {
    return encoding === undefined ||
      typeof encoding === 'function' ||
      (typeof encoding === 'string' && /^utf-?8$/i.test(encoding))
      ? chunk
      : undefined;
  }
  return chunk instanceof Uint8Array
    ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8')
    : undefined;
}
