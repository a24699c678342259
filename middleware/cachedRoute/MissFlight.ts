import type { Request, Response } from 'express';
import type { CacheEntry } from '../../src/cache/CacheTier';
import { variantKey, type CachedBody } from './CachedBody';
import { SOURCE_HEADER } from './responseHeaders';

/** A body the holder of a key stored (or found in the fleet's cache), and the headers it varies by. */
export interface FlightEntry {
  /** The body, as stored under the key (or under its variant's key). */
  entry: CacheEntry<CachedBody>;
  /** The request headers the body varies by (`[]`: one body for every request). */
  vary: readonly string[];
}

/** What a request held behind the holder of its key does once its wait ends. */
export interface Turn {
  /** The request now holds the key: it runs the route (behind the fleet's lease, if any). */
  lead(): void;
  /** The holder's body fits this request: answer it. `deadline` bounds any further wait. */
  serve(found: FlightEntry, deadline: number): void;
  /** The holder stored the body of another variant: look the key up again, within `deadline`. */
  retry(deadline: number): void;
  /** The wait reached its bound: run the route without holding the key. */
  alone(): void;
  /**
   * The holder's route failed (`failure`: its status, or `'timeout'`) and a stale body answered for
   * it: answer this request's stale body the same way; `false` when it has none left.
   */
  stale(failure: number | 'timeout'): boolean;
}

interface Waiter {
  readonly req: Request;
  readonly res: Response;
  readonly turn: Turn;
  readonly deadline: number;
  timer?: NodeJS.Timeout;
  onClose?: () => void;
}

interface Hold {
  readonly req: Request;
  readonly res: Response;
  /** Requests held for the key, oldest first; handed on to the next holder. */
  readonly waiters: Set<Waiter>;
  found: FlightEntry | undefined;
  /** Set when the route failed and a stale body answered for it. */
  failure?: number | 'timeout';
  timer?: NodeJS.Timeout;
}

/** How long a key whose answer was not storable lets requests through without holding them. */
export const PASS_MS = 10_000;
/** Most keys remembered as not storable at once; the oldest is forgotten first. */
const MAX_PASSING = 10_000;

/**
 * One run of a route per key at a time in this process, for requests that missed the fresh cache.
 * The first request holds the key until its response closes (or `holdMs` passed: a stuck route
 * holds it no longer); the others are held, not answered:
 * - the holder stored a body (or found one in the fleet's cache) → each held request whose variant
 *   it is gets it as a cache hit; one of another variant looks the key up again;
 * - its route failed and a stale body answered for it → the held requests with a stale body of
 *   their own get it the same way (the origin is not asked again for each of them);
 * - it did not (the route failed, its answer was not storable, its client left) → nobody gets its
 *   answer: the oldest held request becomes the holder and runs the route, one at a time;
 * - a held request waits at most `2 × holdMs` (a holder, then one successor), then runs the route
 *   itself; one whose client disconnects is dropped, its timer and listener with it.
 *
 * A key whose route answered without failing but with nothing storable (`no-store`, `Set-Cookie`,
 * a non-JSON body, a 404 …) is likely to answer so again: for {@link PASS_MS} its requests are not
 * held, so a personalised route does not turn concurrent requests into a queue.
 */
export class MissFlight {
  private readonly holds = new Map<string, Hold>();
  private readonly passing = new Map<string, number>();

  /** `holdMs`: the longest the holder of a key holds it (its route's bound, plus its write). */
  constructor(readonly holdMs: number) {}

  /** How long a request may be held before it runs the route itself, in milliseconds. */
  get waitMs(): number {
    return 2 * this.holdMs;
  }

  /**
   * `turn.lead()` at once when no request of this process holds `key` (this one then does), else
   * holds the request until its turn, within `deadline` (epoch ms; first miss: now + `waitMs`).
   */
  join(key: string, req: Request, res: Response, turn: Turn, deadline = Date.now() + this.waitMs): void {
    const hold = this.holds.get(key);
    if (hold === undefined) {
      if (this.passes(key)) return turn.alone();
      this.take(key, req, res, new Set());
      return turn.lead();
    }
    const left = deadline - Date.now();
    if (left <= 0) return turn.alone();
    const w: Waiter = { req, res, turn, deadline };
    const waiters = hold.waiters;
    w.timer = setTimeout(() => {
      this.dismiss(w, waiters);
      w.turn.alone();
    }, left);
    w.timer.unref();
    w.onClose = () => this.dismiss(w, waiters);
    res.once('close', w.onClose);
    waiters.add(w);
  }

  /** Records the body the holder of `key` (the request `res` answers) stored or found. */
  found(key: string, res: Response, found: FlightEntry): void {
    const hold = this.holds.get(key);
    if (hold?.res === res) hold.found = found;
    this.passing.delete(key);
  }

  /** Records that the route of the holder of `key` failed and a stale body answered for it. */
  rescued(key: string, res: Response, failure: number | 'timeout'): void {
    const hold = this.holds.get(key);
    if (hold?.res === res) hold.failure = failure;
  }

  private take(key: string, req: Request, res: Response, waiters: Set<Waiter>): void {
    const hold: Hold = { req, res, waiters, found: undefined };
    hold.timer = setTimeout(() => this.release(key, hold, false), this.holdMs);
    hold.timer.unref();
    res.once('close', () => this.release(key, hold, true));
    this.holds.set(key, hold);
  }

  private release(key: string, hold: Hold, closed: boolean): void {
    if (this.holds.get(key) !== hold) return;
    clearTimeout(hold.timer);
    this.holds.delete(key);
    const { found, waiters } = hold;
    if (found === undefined) {
      if (closed && answeredUnstorable(hold.res)) this.pass(key);
      const failure = hold.failure;
      if (failure !== undefined)
        for (const w of [...waiters]) if (w.turn.stale(failure)) this.dismiss(w, waiters);
      const next = waiters.values().next();
      if (next.done === true) return;
      this.dismiss(next.value, waiters);
      this.take(key, next.value.req, next.value.res, waiters);
      return next.value.turn.lead();
    }
    const mine = found.vary.length === 0 ? '' : variantKey(key, found.vary, hold.req);
    for (const w of [...waiters]) {
      this.dismiss(w, waiters);
      if (found.vary.length === 0 || variantKey(key, found.vary, w.req) === mine) {
        w.turn.serve(found, w.deadline);
      } else w.turn.retry(w.deadline);
    }
  }

  private dismiss(w: Waiter, waiters: Set<Waiter>): void {
    clearTimeout(w.timer);
    if (w.onClose !== undefined) w.res.off('close', w.onClose);
    waiters.delete(w);
  }

  private passes(key: string): boolean {
    const until = this.passing.get(key);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.passing.delete(key);
    return false;
  }

  private pass(key: string): void {
    this.passing.delete(key);
    if (this.passing.size >= MAX_PASSING) this.passing.delete(this.passing.keys().next().value!);
    this.passing.set(key, Date.now() + PASS_MS);
  }
}

/**
 * The route itself answered, below 500, and nothing was stored: its headers or its body ruled it out
 * (a stale body or a stub answering for a failed route does not count).
 */
function answeredUnstorable(res: Response): boolean {
  return res.writableFinished && res.statusCode < 500 && res.getHeader(SOURCE_HEADER) === 'origin';
}
