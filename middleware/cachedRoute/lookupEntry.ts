import type { Request } from 'express';
import type { CacheEntry } from '../../src/cache/CacheTier';
import { isVaryRecord, variantKey } from './CachedBody';
import type { RouteContext } from './OriginRun';

/** The entry `req` selects under `key` (through its `Vary` record, if any); never rejects. */
export async function lookup(ctx: RouteContext, key: string, req: Request): Promise<LookedUp> {
  const entry = await getEntry(ctx, key);
  if (entry === undefined || !isVaryRecord(entry.value)) return { entry, vary: [] };
  const vary = entry.value.vary;
  return { entry: await getEntry(ctx, variantKey(key, vary, req)), vary };
}

/** What {@link lookup} found. */
export interface LookedUp {
  /** The entry for the request's variant, if any. */
  entry: CacheEntry | undefined;
  /** The request headers the route varies by (`[]`: it does not). */
  vary: readonly string[];
}
/** The entry under `key` from an in-process tier; a tier that throws is a miss. */
export function peekEntry(ctx: RouteContext, key: string): CacheEntry | undefined {
  try {
    const entry = ctx.o.cache.peek!(key);
    ctx.health.cacheAnswered();
    return entry;
  } catch (err) {
    ctx.health.cacheFailed(err);
    return undefined;
  }
}

/** The entry under `key`; never rejects: a tier that fails or is slow is a miss. */
export function getEntry(ctx: RouteContext, key: string): Promise<CacheEntry | undefined> {
  let pending: Promise<CacheEntry | undefined>;
  try {
    pending = ctx.o.cache.get(key);
  } catch (err) {
    pending = Promise.reject(err);
  }
  return pending.then(
    (entry) => {
      ctx.health.cacheAnswered();
      return entry;
    },
    (err: unknown) => {
      ctx.health.cacheFailed(err);
      return undefined;
    },
  );
}
