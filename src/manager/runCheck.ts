import type { CheckOutcome } from '../dependencies/Dependency';
import { describeValue } from '../errors/ConfigError';
import { redact, toSafeError, type SafeError } from '../redaction/redact';
import { CheckStatus } from '../status/CheckStatus';
import { withTimeout } from '../timing/withTimeout';
import type { ResolvedDependency } from './resolveDependency';

/**
 * How one run ended: `ok` (status OK), `failure` (a non-OK status, a throw, garbage), `timeout`,
 * `disabled` (the toggle said no; the check did not run) or `aborted` (the manager stopped it).
 */
export type RunKind = 'ok' | 'failure' | 'timeout' | 'disabled' | 'aborted';

/** What one bounded run of a check produced, before the grace rule. */
export interface RunOutcome {
  kind: RunKind;
  status: CheckStatus;
  message: string;
  observedValue?: number;
  observedUnit?: string;
  error?: SafeError;
  /** Epoch ms (the manager's clock) when the run started. */
  startedAt: number;
  durationMs: number;
}

/** The messages a result carries when the check itself gave none (timeout, throw, abort…). */
export const MESSAGES = Object.freeze({
  ok: 'ok',
  disabled: 'disabled',
  thrown: 'Exception thrown during ping',
  timeout: 'Timed out prior to completion',
  aborted: 'Aborted: the manager stopped this run',
  toggleThrown: 'Exception thrown by toggle',
});

type Verdict = Pick<RunOutcome, 'status' | 'message' | 'observedValue' | 'observedUnit'>;

/** A check's return value → a verdict; anything but `undefined` or a valid outcome is an OUTAGE. */
export function interpretOutcome(value: unknown): Verdict {
  if (value === undefined || value === null) return { status: 'OK', message: MESSAGES.ok };
  const o = value as Partial<CheckOutcome>;
  if (typeof value !== 'object' || !CheckStatus.is(o.status)) {
    const got =
      typeof value === 'object' && !Array.isArray(value)
        ? `status ${describeValue(o.status)}`
        : describeValue(value);
    return {
      status: 'OUTAGE',
      message: `Invalid check result: expected nothing or { status: 'OK' | 'MINOR' | 'MAJOR' | 'OUTAGE' }, got ${got}`,
    };
  }
  const verdict: Verdict = {
    status: o.status,
    message: typeof o.message === 'string' && o.message !== '' ? redact(o.message) : o.status.toLowerCase(),
  };
  if (typeof o.observedValue === 'number' && Number.isFinite(o.observedValue)) {
    verdict.observedValue = o.observedValue;
    if (typeof o.observedUnit === 'string') verdict.observedUnit = o.observedUnit;
  }
  return verdict;
}

function isEnabled(dep: ResolvedDependency): boolean | SafeError {
  if (dep.toggle === undefined) return true;
  try {
    return dep.toggle() !== false;
  } catch (err) {
    return toSafeError(err);
  }
}

/**
 * Runs `dep.check` once, bounded by `dep.timeoutMs` and by `signal` (the manager's stop). Never
 * rejects: throws, rejections, garbage and timeouts become an OUTAGE outcome, and the returned
 * promise settles within the timeout plus a tick however the check behaves.
 */
export async function runCheck(
  dep: ResolvedDependency,
  now: () => number,
  signal?: AbortSignal,
): Promise<RunOutcome> {
  const startedAt = now();
  const t0 = performance.now();
  const finish = (kind: RunKind, v: Verdict, error?: SafeError): RunOutcome => {
    const durationMs = Math.round((performance.now() - t0) * 100) / 100;
    const out: RunOutcome = { kind, ...v, startedAt, durationMs };
    if (error !== undefined) out.error = error;
    return out;
  };
  const enabled = isEnabled(dep);
  if (enabled === false) return finish('disabled', { status: 'OK', message: MESSAGES.disabled });
  if (enabled !== true)
    return finish('failure', { status: 'OUTAGE', message: MESSAGES.toggleThrown }, enabled);

  let inner: AbortSignal | undefined;
  try {
    const value = await withTimeout<unknown>(
      (s) => {
        inner = s;
        return dep.check({ signal: s });
      },
      dep.timeoutMs,
      `check "${dep.id}"`,
      signal,
    );
    const verdict = interpretOutcome(value);
    return finish(verdict.status === 'OK' ? 'ok' : 'failure', verdict);
  } catch (err) {
    if (signal?.aborted) return finish('aborted', { status: 'OUTAGE', message: MESSAGES.aborted });
    // withTimeout aborts the check's signal with the very error it rejects with on a timeout.
    if (inner?.aborted && inner.reason === err) {
      return finish('timeout', { status: 'OUTAGE', message: MESSAGES.timeout }, toSafeError(err));
    }
    return finish('failure', { status: 'OUTAGE', message: MESSAGES.thrown }, toSafeError(err));
  }
}
