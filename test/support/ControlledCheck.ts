import type { CheckOutcome, Dependency } from '../../src/dependencies/Dependency';
import type { CheckStatus } from '../../src/status/CheckStatus';

/**
 * A dependency whose outcome the test controls (Indeed's ControlledDependency): set `status`,
 * make it throw, delay or hang, and read how often it ran.
 */
export class ControlledCheck {
  status: CheckStatus = 'OK';
  message: string | undefined;
  /** When set, the check throws this. */
  error: unknown;
  /** Milliseconds each run waits before answering (honours the abort signal). */
  delayMs = 0;
  /** When true, runs never settle (until aborted, if `honourAbort`). */
  hang = false;
  honourAbort = true;
  calls = 0;
  readonly signals: AbortSignal[] = [];

  constructor(private readonly base: Omit<Dependency, 'check'>) {}

  /** The `Dependency` to register. */
  get dependency(): Dependency {
    return { ...this.base, check: (ctx) => this.run(ctx.signal) };
  }

  private async run(signal: AbortSignal): Promise<CheckOutcome> {
    this.calls++;
    this.signals.push(signal);
    if (this.hang) {
      await new Promise<void>((_, reject) => {
        if (this.honourAbort)
          signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    }
    if (this.delayMs > 0) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, this.delayMs);
        if (this.honourAbort)
          signal.addEventListener(
            'abort',
            () => {
              clearTimeout(t);
              reject(new Error('aborted'));
            },
            { once: true },
          );
      });
    }
    if (this.error !== undefined) throw this.error;
    return this.message === undefined
      ? { status: this.status }
      : { status: this.status, message: this.message };
  }
}
