import type { CheckStatus } from '../status/CheckStatus';
import { CheckStatus as Status } from '../status/CheckStatus';
import type { BreakerStats, CircuitBreaker } from './CircuitBreaker';

/** What a breaker says about its dependency: a status and the message reports show. */
export interface BreakerVerdict {
  status: CheckStatus;
  message: string;
  /** The breaker's failures in a row. */
  consecutiveFailures: number;
}

function calls(s: BreakerStats): string {
  return `${s.failures} failure${s.failures === 1 ? '' : 's'} of ${s.calls} call${s.calls === 1 ? '' : 's'} in the last ${s.windowMs / 1000} s`;
}

/**
 * A breaker's state as a dependency status: closed → OK (MINOR while a call failed within the
 * window), half-open → MAJOR, open → OUTAGE. The manager caps it by urgency like any check.
 */
export function breakerVerdict(breaker: CircuitBreaker): BreakerVerdict {
  const s = breaker.stats();
  const since = new Date(s.since).toISOString();
  const consecutiveFailures = s.consecutiveFailures;
  switch (s.state) {
    case 'open':
      return { status: 'OUTAGE', message: `circuit open since ${since}, ${calls(s)}`, consecutiveFailures };
    case 'half-open':
      return {
        status: 'MAJOR',
        message: `circuit half-open since ${since}, trying one call`,
        consecutiveFailures,
      };
    default:
      return {
        status: s.failures > 0 ? 'MINOR' : 'OK',
        message: `circuit closed, ${calls(s)}`,
        consecutiveFailures,
      };
  }
}

/**
 * The worse of a check's status and its breaker's. The message is the worse side's (the check's on
 * a tie); a dependency with no check of its own (`passive`) always shows the breaker's.
 */
export function combineWithBreaker(
  status: CheckStatus,
  message: string,
  verdict: BreakerVerdict,
  passive: boolean,
): { status: CheckStatus; message: string } {
  if (passive || Status.isWorseThan(verdict.status, status)) {
    return { status: Status.noBetterThan(status, verdict.status), message: verdict.message };
  }
  return { status, message };
}

/**
 * Calls `refresh` on every state change of `breaker`, so the dependency's result follows the
 * breaker at once instead of at the next ping. Returns the unsubscribe function.
 */
export function watchBreaker(breaker: CircuitBreaker, refresh: () => void): () => void {
  const listener = (): void => refresh();
  breaker.on('stateChanged', listener);
  return () => breaker.off('stateChanged', listener);
}
