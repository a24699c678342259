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

/**
 * The timeout of a batch's handler runs, one run at a time: one timer for the whole batch, re-armed
 * (`refresh()`) for each run instead of a new `setTimeout` per event, which would be a measurable
 * share of the cost of handling an event. Cleared by {@link stop} at the end of the batch. Internal.
 */
export class RunTimer {
  private timer: NodeJS.Timeout | undefined;
  private onFire: (() => void) | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** Calls `onFire` after `timeoutMs`, unless {@link disarm} comes first. */
  arm(onFire: () => void): void {
    this.onFire = onFire;
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      const fire = this.onFire;
      this.onFire = undefined;
      fire?.();
    }, this.timeoutMs);
    this.timer.unref();
  }

  /** The run settled: its timeout must not fire (the timer stays armed for the next run). */
  disarm(): void {
    this.onFire = undefined;
  }

  /** Clears the timer. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.onFire = undefined;
  }
}

/** The options a run needs (method syntax: any outbox's options fit, whatever its payload type). */
interface HandlerOptions<P> {
  handler(event: OutboxEvent<P>, context: OutboxHandlerContext): Promise<void>;
  readonly handlerTimeoutMs: number;
}

/**
 * Runs `opts.handler(event, { signal })` for at most `opts.handlerTimeoutMs` (`timer`'s bound). Resolves `undefined` when it
 * fulfilled, resolves with the `TimeoutError` (after aborting the signal) when it did not settle in
 * time, and rejects with the handler's own error (a synchronous throw included). A handler that
 * settles after its timeout changes nothing: that run already counted as failed, so its late
 * outcome is only reported to `onLate`, never acknowledged. Internal.
 */
export function runHandler<P>(
  opts: HandlerOptions<P>,
  event: OutboxEvent<P>,
  timer: RunTimer,
  onLate: (outcome: 'fulfilled' | 'rejected') => void,
): Promise<TimeoutError | undefined> {
  const context = new RunContext();
  return new Promise((resolve, reject) => {
    let timedOut = false;
    timer.arm(() => {
      timedOut = true;
      const err = new TimeoutError('outbox handler', opts.handlerTimeoutMs);
      context.abort(err);
      resolve(err);
    });
    let result: Promise<void>;
    try {
      result = Promise.resolve(opts.handler(event, context));
    } catch (err) {
      timer.disarm();
      reject(err);
      return;
    }
    result.then(
      () => {
        if (timedOut) return onLate('fulfilled');
        timer.disarm();
        resolve(undefined);
      },
      (err: unknown) => {
        if (timedOut) return onLate('rejected');
        timer.disarm();
        reject(err);
      },
    );
  });
}
