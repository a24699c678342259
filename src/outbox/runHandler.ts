import { TimeoutError } from '../errors/TimeoutError';
import type { OutboxEvent, OutboxHandlerContext } from './OutboxEvent';

/**
 * The context a handler run receives. The `AbortController` is made only when the handler reads
 * `signal` (most handlers never do, and the outbox runs one handler per event on its hot path); a
 * signal read after the timeout is already aborted.
 */
class RunContext implements OutboxHandlerContext {
  private controller: AbortController | undefined;
  private reason: unknown;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason !== undefined) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

/** The options a run needs (method syntax: any outbox's options fit, whatever its payload type). */
interface HandlerOptions<P> {
  handler(event: OutboxEvent<P>, context: OutboxHandlerContext): Promise<void>;
  readonly handlerTimeoutMs: number;
}

/**
 * Runs `opts.handler(event, { signal })` for at most `opts.handlerTimeoutMs`. Resolves `undefined` when it
 * fulfilled, resolves with the `TimeoutError` (after aborting the signal) when it did not settle in
 * time, and rejects with the handler's own error (a synchronous throw included). A handler that
 * settles after its timeout changes nothing: that run already counted as failed, so its late
 * outcome is only reported to `onLate`, never acknowledged. Internal.
 */
export function runHandler<P>(
  opts: HandlerOptions<P>,
  event: OutboxEvent<P>,
  onLate: (outcome: 'fulfilled' | 'rejected') => void,
): Promise<TimeoutError | undefined> {
  const timeoutMs = opts.handlerTimeoutMs;
  const context = new RunContext();
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      const err = new TimeoutError('outbox handler', timeoutMs);
      context.abort(err);
      resolve(err);
    }, timeoutMs);
    timer.unref();
    let result: Promise<void>;
    try {
      result = Promise.resolve(opts.handler(event, context));
    } catch (err) {
      clearTimeout(timer);
      reject(err);
      return;
    }
    result.then(
      () => {
        if (timedOut) return onLate('fulfilled');
        clearTimeout(timer);
        resolve(undefined);
      },
      (err: unknown) => {
        if (timedOut) return onLate('rejected');
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
