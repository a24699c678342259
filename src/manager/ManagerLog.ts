import type { Logger } from 'pino';
import type { CheckResult } from '../dependencies/CheckResult';
import { redact, redactSafeError, toSafeError, type SafeError } from '../redaction/redact';
import { CheckStatus } from '../status/CheckStatus';

/**
 * A {@link SafeError} as an `Error` whose `stack` is only its header lines, so pino's `err`
 * serializer prints `type`, `message` (with causes) and `name` — and never a stack frame.
 */
export function toLoggedError(e: SafeError): Error {
  const err = new Error(e.message, e.cause === undefined ? undefined : { cause: toLoggedError(e.cause) });
  err.name = e.name;
  err.stack = `${e.name}: ${e.message}`;
  return err;
}

/**
 * The manager's log lines: one per status change, never one per probe; `warn` when
 * worse, `info` when better. A broken log destination never disturbs the manager.
 */
export class ManagerLog {
  constructor(private readonly log: Logger) {}

  /** A dependency's status changed; a first result that is OK is not news and is not logged. */
  transition(from: CheckStatus | undefined, r: CheckResult): void {
    if (from === undefined && r.status === 'OK') return;
    const fields = {
      dependency: r.id,
      urgency: r.urgency,
      from: from ?? null,
      to: r.status,
      durationMs: r.durationMs,
      err: r.error === undefined ? undefined : toLoggedError(redactSafeError(r.error)),
    };
    // A result's message was redacted when it was stored; a log line is redacted on its own anyway,
    // so a result built elsewhere (a stale marker, a future source) cannot carry a secret into it.
    const msg = redact(`dependency ${r.id} ${from ?? 'new'} → ${r.status}: ${r.message}`);
    this.write(from === undefined || CheckStatus.isWorseThan(r.status, from), fields, msg);
  }

  /** The aggregated system status changed. */
  system(from: CheckStatus, to: CheckStatus): void {
    this.write(CheckStatus.isWorseThan(to, from), { from, to }, `system status ${from} → ${to}`);
  }

  /** A listener threw or rejected. */
  listenerFailed(event: string, err: unknown): void {
    this.guard(() =>
      this.log.error({ event, err: toLoggedError(toSafeError(err)) }, `a '${event}' listener threw; ignored`),
    );
  }

  /** `drain()` was called. */
  draining(): void {
    this.guard(() => this.log.info('draining: readiness now fails'));
  }

  private write(worse: boolean, fields: object, msg: string): void {
    this.guard(() => (worse ? this.log.warn(fields, msg) : this.log.info(fields, msg)));
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch {
      // Logging is best effort: storing results and emitting events must go on.
    }
  }
}
