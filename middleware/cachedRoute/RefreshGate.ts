import type { Response } from 'express';

/**
 * The keys whose body one request is refreshing at the origin right now, in this process: with
 * `earlyRefresh` or `staleWhileRevalidate`, the request that claims a key runs the route while every
 * other request for it is answered from the cache at once.
 */
export class RefreshGate {
  private readonly keys = new Set<string>();

  /**
   * Claims `key` for the request `res` answers; `false` when another request holds it. Released when
   * `res` closes — answered, or its client gone — so a route that never answers holds it no longer
   * than its connection (bound it with `timeoutMs`).
   */
  claim(key: string, res: Response): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    res.once('close', () => this.keys.delete(key));
    return true;
  }
}
