import type { Response } from 'express';
import { storableVary } from './CachedBody';

type Method = (...args: unknown[]) => unknown;
type Patched = Record<'setHeader' | 'appendHeader' | 'removeHeader', Method | undefined>;

/** The headers that decide whether a shared cache may store a response. */
const DECISIVE = new Set(['set-cookie', 'cache-control', 'vary']);
const METHODS = ['setHeader', 'appendHeader', 'removeHeader'] as const;

/**
 * Keeps a response's `Cache-Status` true while it is being ended. `on-headers` hooks (express-session
 * sets its cookie in one) run inside `writeHead`, after the route's `end` was called and before the
 * headers go out; a hook that adds `Set-Cookie`, `Cache-Control` or `Vary` changes whether the answer
 * may be stored, so each such change re-labels `Cache-Status` before the headers are written.
 *
 * Watches through the response's own methods, patched on the instance for the duration of one `end`
 * call and put back by {@link stop}.
 */
export class HeaderWatch {
  private readonly saved: Array<[keyof Patched, boolean, Method | undefined]> = [];
  private readonly setHeader: Method;

  constructor(
    private readonly res: Response,
    private readonly label: (stored: boolean) => string,
  ) {
    const target = res as unknown as Patched;
    this.setHeader = target.setHeader as Method;
    for (const name of METHODS) {
      const original = target[name];
      if (typeof original !== 'function') continue;
      this.saved.push([name, Object.prototype.hasOwnProperty.call(res, name), original]);
      target[name] = (...args: unknown[]) => {
        const result = original.apply(res, args);
        if (typeof args[0] === 'string' && DECISIVE.has(args[0].toLowerCase())) this.relabel();
        return result;
      };
    }
  }

  /** Puts the response's methods back as they were. */
  stop(): void {
    const target = this.res as unknown as Patched;
    for (const [name, own, original] of this.saved) {
      if (own) target[name] = original;
      else delete target[name];
    }
  }

  private relabel(): void {
    if (this.res.headersSent) return;
    const stored = storableVary(this.res) !== undefined;
    this.setHeader.call(this.res, 'Cache-Status', this.label(stored));
  }
}
