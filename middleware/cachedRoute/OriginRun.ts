import type { OutgoingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { CacheEntry } from '../../src/cache/CacheTier';
import { TimeoutError } from '../../src/errors/TimeoutError';
import type { ChainHealth } from '../../src/fallback/ChainHealth';
import {
  answerJson,
  BYPASS_STATUS,
  cacheableBody,
  clearBodyHeaders,
  endOf,
  originStatus,
  rescueStatus,
  SOURCE_HEADER,
} from './responseHeaders';
import type { ResolvedCachedRouteOptions } from './CachedRouteOptions';
import { HeaderWatch } from './HeaderWatch';
import type { RefreshGate } from './RefreshGate';
import type { MissFlight } from './MissFlight';
import type { FleetSingleFlight } from '../../src/fallback/FleetSingleFlight';
import {
  replayableHeaders,
  restoreHeaders,
  storableVary,
  variantKey,
  type CachedBody,
  type VaryRecord,
} from './CachedBody';

/** What every request of one {@link cachedRoute} shares. */
export interface RouteContext {
  readonly o: ResolvedCachedRouteOptions;
  readonly health: ChainHealth;
  /** `ttlMs + staleTtlMs`: how long Redis (or memory) keeps a body. */
  readonly retainMs: number;
  /** Which keys a request is refreshing (`earlyRefresh`, `staleWhileRevalidate`). */
  readonly gate: RefreshGate;
  /** Which keys a request runs the route for after a miss, and who is held behind it. */
  readonly flight: MissFlight | undefined;
  /** With `singleFlight: 'fleet'`: the Redis lease that makes one instance run the route for a key. */
  readonly fleet: FleetSingleFlight | undefined;
}

type Method = (...args: unknown[]) => unknown;

/**
 * One request that missed the fresh cache (or bypasses it: `key` undefined) and runs the route. The
 * response's `end` (the choke point of `res.json`, `res.send` and Express's final error handler) is
 * wrapped so that:
 * - a 2xx JSON answer is tagged `origin` and stored (fire and forget) once its headers are final —
 *   after every `on-headers` hook ran at `writeHead` — unless they forbid a shared cache to;
 * - a 5xx answer — from the route, or from the error handler after the route threw — is replaced by
 *   the stale body or the stub when there is one, else passes through unchanged;
 * - a route slower than `timeoutMs` gets the same rescue, or a `TimeoutError` passed to `next`;
 *   whatever the route writes after we answered is dropped rather than throwing "headers sent".
 */
export class OriginRun {
  private state: 'waiting' | 'passed' | 'answered' | 'timedOut' = 'waiting';
  private timer: NodeJS.Timeout | undefined;
  private readonly end: Method;
  private readonly params: Request['params'];
  /** The response's headers when the route started: earlier middleware's, not the route's. */
  private readonly before: OutgoingHttpHeaders;
  /** When the route started: the entry records how long it took, which early refresh weighs. */
  private readonly startedAt: number;

  constructor(
    private readonly ctx: RouteContext,
    private readonly req: Request,
    private readonly res: Response,
    private readonly next: NextFunction,
    private readonly key: string | undefined,
    private readonly stale: CacheEntry<CachedBody> | undefined,
    /** Let through to refresh `stale` while it is still fresh (`earlyRefresh`). */
    private readonly early = false,
  ) {
    this.startedAt = ctx.o.now();
    this.end = endOf(res);
    this.params = req.params;
    this.before = res.getHeaders();
  }

  /** Wraps the response and hands over to the route. */
  start(): void {
    const res = this.res as unknown as Record<'end' | 'json' | 'send', Method>;
    const json = res.json;
    const send = res.send;
    res.end = (...args) => this.onEnd(args);
    res.json = (...args) => (this.dropping() ? this.res : json.apply(this.res, args));
    res.send = (...args) => (this.dropping() ? this.res : send.apply(this.res, args));
    const { timeoutMs } = this.ctx.o;
    if (timeoutMs > 0) {
      this.timer = setTimeout(() => this.onTimeout(), timeoutMs);
      this.timer.unref();
      this.res.once('close', () => clearTimeout(this.timer));
    }
    this.next();
  }

  /** After we answered, the route's late writes are ignored instead of throwing. */
  private dropping(): boolean {
    return this.state === 'answered' || (this.state === 'timedOut' && this.res.headersSent);
  }

  private onEnd(args: unknown[]): unknown {
    if (this.state !== 'waiting') return this.dropping() ? this.res : this.end.apply(this.res, args);
    clearTimeout(this.timer);
    const status = this.res.statusCode;
    if (!this.res.headersSent && status >= 500 && this.rescue(status, args)) return this.res;
    this.state = 'passed';
    if (this.res.headersSent) return this.end.apply(this.res, args);
    const body = this.tagOrigin(status, args);
    if (body === undefined) return this.end.apply(this.res, args);
    const watch = new HeaderWatch(this.res, (stored) =>
      originStatus(this.stale !== undefined, stored, this.early),
    );
    let result: unknown;
    try {
      result = this.end.apply(this.res, args);
    } finally {
      watch.stop();
    }
    this.store(status, body);
    return result;
  }

  private onTimeout(): void {
    this.timer = undefined;
    if (this.state !== 'waiting' || this.res.headersSent) return;
    if (this.rescue('timeout')) return;
    this.state = 'timedOut';
    const err = new TimeoutError(`route "${this.ctx.o.name}"`, this.ctx.o.timeoutMs);
    this.failed(err);
    this.res.setHeader(SOURCE_HEADER, 'origin');
    this.next(err);
  }

  /**
   * Counts and logs what the route answered and sets our headers on it; returns its JSON text when
   * it is a candidate for the cache (its headers are judged once final, in {@link store}).
   */
  private tagOrigin(status: number, args: unknown[]): string | undefined {
    const { health, retainMs } = this.ctx;
    if (status >= 500) this.failed(new Error(`route answered ${status}`));
    else {
      health.count.source.inc();
      health.answered('source', [], 0);
    }
    this.res.setHeader(SOURCE_HEADER, 'origin');
    if (this.key === undefined) {
      this.res.setHeader('Cache-Status', BYPASS_STATUS);
      return undefined;
    }
    const body = retainMs > 0 ? cacheableBody(this.res, args[0], args[1]) : undefined;
    const stored = body !== undefined && storableVary(this.res) !== undefined;
    this.res.setHeader('Cache-Status', originStatus(this.stale !== undefined, stored, this.early));
    return body;
  }

  /**
   * Stores the answer the route sent, judged on its final headers: one entry under the key, or —
   * when it varies — the header names under the key and the body under the variant's own key.
   */
  private store(status: number, body: string): void {
    const vary = storableVary(this.res);
    const key = this.key;
    if (vary === undefined || key === undefined) return;
    const { o } = this.ctx;
    const storedAt = o.now();
    const sourceMs = storedAt - this.startedAt;
    const headers = replayableHeaders(this.res, this.before);
    const entry: CacheEntry<CachedBody> = {
      value: { status, body, headers },
      storedAt,
      ttlMs: o.ttlMs,
      sourceMs,
    };
    this.ctx.flight?.found(key, this.res, { entry, vary });
    if (vary.length === 0) return this.write(key, entry);
    const record: CacheEntry<VaryRecord> = { value: { vary }, storedAt, ttlMs: o.ttlMs, sourceMs };
    this.write(key, record);
    this.write(variantKey(key, vary, this.req), entry);
  }

  /** Fire and forget: the answer never waits for the cache, and a failed write is only logged. */
  private write(key: string, entry: CacheEntry): void {
    const { o, health, retainMs } = this.ctx;
    try {
      o.cache.set(key, entry, retainMs).catch((err: unknown) => health.writeBackFailed(err));
    } catch (err) {
      health.writeBackFailed(err);
    }
  }

  /**
   * Answers with the stale body or the stub instead of a failure; `false` when there is neither.
   * `failedArgs` are the failed answer's `end` arguments, sent after all if the stub throws.
   */
  private rescue(failure: number | 'timeout', failedArgs?: unknown[]): boolean {
    const { o, health } = this.ctx;
    const cause =
      failure === 'timeout' ? new TimeoutError('route', o.timeoutMs) : new Error(`route answered ${failure}`);
    const stale = this.stale;
    if (stale !== undefined) {
      const ageMs = o.now() - stale.storedAt;
      if (ageMs < stale.ttlMs + o.staleTtlMs) {
        this.state = 'answered';
        // An early refresh that failed falls back on a body still fresh: a cache answer, truthfully.
        const tier = ageMs < stale.ttlMs ? 'cache' : 'stale';
        health.count[tier].inc();
        health.answered(tier, [cause]);
        if (this.key !== undefined) this.ctx.flight?.rescued(this.key, this.res, failure);
        const status = rescueStatus('stale', failure, ageMs - stale.ttlMs);
        restoreHeaders(this.res, this.before);
        clearBodyHeaders(this.res);
        answerJson(this.res, this.end, stale.value, tier, status, ageMs);
        return true;
      }
    }
    const stub = o.stub;
    if (stub === undefined) return false;
    this.state = 'answered';
    let result: unknown;
    try {
      result = this.withParams(() => stub(this.req));
    } catch (err) {
      this.stubFailed(err, failure, failedArgs);
      return true;
    }
    if (isThenable(result)) {
      result.then(
        (v) => this.answerStub(v, failure, cause, failedArgs),
        (err: unknown) => this.stubFailed(err, failure, failedArgs),
      );
    } else this.answerStub(result, failure, cause, failedArgs);
    return true;
  }

  private answerStub(
    value: unknown,
    failure: number | 'timeout',
    cause: Error,
    failedArgs?: unknown[],
  ): void {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (err) {
      return this.stubFailed(err, failure, failedArgs);
    }
    if (typeof text !== 'string')
      return this.stubFailed(new TypeError('stub returned no JSON body'), failure, failedArgs);
    this.ctx.health.count.stub.inc();
    this.ctx.health.answered('stub', [cause]);
    if (!this.res.headersSent) {
      restoreHeaders(this.res, this.before);
      clearBodyHeaders(this.res);
    }
    answerJson(this.res, this.end, { status: 200, body: text }, 'stub', rescueStatus('stub', failure));
  }

  /** The stub threw: the failure goes on as if there were no stub. */
  private stubFailed(err: unknown, failure: number | 'timeout', failedArgs?: unknown[]): void {
    this.failed(err);
    if (failure === 'timeout') {
      this.state = 'timedOut';
      this.next(err);
      return;
    }
    this.state = 'passed';
    this.res.setHeader(SOURCE_HEADER, 'origin');
    this.end.apply(this.res, failedArgs ?? []);
  }

  private failed(cause: unknown): void {
    this.ctx.health.count.error.inc();
    this.ctx.health.answered('error', [cause]);
  }

  /** Runs `fn` with the route's `req.params`, which Express resets once the route has failed. */
  private withParams<R>(fn: () => R): R {
    const current = this.req.params;
    this.req.params = this.params;
    try {
      return fn();
    } finally {
      this.req.params = current;
    }
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
