import type { CheckResult, CheckResultSet } from '../../src/dependencies/CheckResult';
import { redact } from '../../src/redaction/redact';
import type { CheckStatus } from '../../src/status/CheckStatus';

/** Media type of the IETF health check response format (draft-inadarei-api-health-check-06). */
export const HEALTH_JSON_TYPE = 'application/health+json';

/** The draft's status values. */
export type HealthJsonStatus = 'pass' | 'warn' | 'fail';

/**
 * One entry of the draft's `checks` map, plus statuskit's `condition` and `urgency`. The public
 * document carries only the statuses; `output` and the observed value are in the full document.
 */
export interface HealthJsonCheck {
  /** The dependency's id. */
  componentId: string;
  /** The dependency's type. */
  componentType: string;
  /** `pass` for OK, `warn` for MINOR and MAJOR, `fail` for OUTAGE. */
  status: HealthJsonStatus;
  /** ISO 8601 start time of the run. */
  time: string;
  /** The check's message (redacted); full document only. */
  output?: string;
  /** The check's measured value, when it reports one; full document only. */
  observedValue?: number;
  /** Unit of `observedValue`; full document only. */
  observedUnit?: string;
  /** The dependency's own status. */
  condition: CheckStatus;
  /** The dependency's urgency. */
  urgency: string;
}

/** The `application/health+json` document. */
export interface HealthJsonDocument {
  /** The system status: `pass` for OK, `warn` for MINOR and MAJOR, `fail` for OUTAGE or draining. */
  status: HealthJsonStatus;
  /** The application name. */
  serviceId: string;
  /** Set while draining (then `status` is `fail`). */
  output?: string;
  /** Keyed `"<id>:status"`. */
  checks: Record<string, HealthJsonCheck[]>;
}

const STATUS_MAP: Readonly<Record<CheckStatus, HealthJsonStatus>> = Object.freeze({
  OK: 'pass',
  MINOR: 'warn',
  MAJOR: 'warn',
  OUTAGE: 'fail',
});

/** `pass` (OK) / `warn` (MINOR, MAJOR) / `fail` (OUTAGE). */
export function healthJsonStatus(status: CheckStatus): HealthJsonStatus {
  return STATUS_MAP[status];
}

/** Statuses only: what anyone who can reach `/healthcheck` may learn. */
function publicEntry(r: CheckResult): HealthJsonCheck {
  return {
    componentId: r.id,
    componentType: redact(String(r.type)),
    status: STATUS_MAP[r.status],
    time: new Date(r.timestamp).toISOString(),
    condition: r.status,
    urgency: r.urgency,
  };
}

function fullEntry(r: CheckResult): HealthJsonCheck {
  const entry: HealthJsonCheck = {
    componentId: r.id,
    componentType: redact(String(r.type)),
    status: STATUS_MAP[r.status],
    time: new Date(r.timestamp).toISOString(),
    output: redact(String(r.message)),
    condition: r.status,
    urgency: r.urgency,
  };
  if (r.observedValue !== undefined) entry.observedValue = r.observedValue;
  if (r.observedUnit !== undefined) entry.observedUnit = redact(r.observedUnit);
  return entry;
}

/**
 * The draft-06 document for `set`; draining reports `fail` with output `'draining'`. With `full`
 * false (the public document) each check carries only `componentId`, `componentType`, `status`,
 * `time`, `condition` and `urgency`.
 */
export function buildHealthJson(
  set: CheckResultSet,
  appName: string,
  draining: boolean,
  full = true,
): HealthJsonDocument {
  const entry = full ? fullEntry : publicEntry;
  const checks: Record<string, HealthJsonCheck[]> = {};
  for (const r of set.results) checks[`${r.id}:status`] = [entry(r)];
  const doc: HealthJsonDocument = {
    status: draining ? 'fail' : STATUS_MAP[set.systemStatus],
    serviceId: appName,
    checks,
  };
  if (draining) doc.output = 'draining';
  return doc;
}
