import {
  DEPENDENCY_ID_PATTERN,
  type CheckContext,
  type CheckOutcome,
  type Dependency,
  type DependencyMode,
  type DependencyOptions,
} from '../../src/dependencies/Dependency';
import { Urgency } from '../../src/status/Urgency';
import {
  assertFunction,
  assertOneOf,
  assertOptions,
  assertString,
  optionalNumber,
} from '../../src/validation/assert';

/** Largest delay a Node timer accepts (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;
const MODES: readonly DependencyMode[] = ['background', 'live'];

/** Default `timeoutMs` of a built-in check: the bound a built-in check puts on its own I/O when none is given. */
export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

/** What a factory knows about its check before the user's options: the defaults for these fields. */
export interface CheckIdentity {
  id: string;
  type: string;
  description?: string;
}

/** The `Dependency` fields of a factory's options, validated and merged over its identity. */
export interface ResolvedCheckBase {
  /** Every `Dependency` field the user gave (or the factory defaulted), ready to spread. */
  readonly fields: Omit<Dependency, 'check'>;
  /**
   * The bound on the check's own I/O in ms: the user's `timeoutMs`, else {@link DEFAULT_CHECK_TIMEOUT_MS} (2000).
   * 0 = none (the run's `AbortSignal` alone bounds it). The manager also bounds every run.
   */
  readonly timeoutMs: number;
}

function optionalString(name: string, value: unknown): string | undefined {
  return value === undefined ? undefined : assertString(name, value);
}

/**
 * Validates the `Dependency` fields of a factory's options object (throwing `ConfigError` naming
 * the option) and merges them over the factory's `identity`. The caller's object is never mutated;
 * options that are not `Dependency` fields are left to the factory.
 */
export function resolveCheckBase(opts: unknown, identity: CheckIdentity): ResolvedCheckBase {
  const o = assertOptions<DependencyOptions>('options', opts);
  const fields: Omit<Dependency, 'check'> = {
    id: o.id === undefined ? identity.id : assertString('id', o.id, DEPENDENCY_ID_PATTERN),
    type: optionalString('type', o.type) ?? identity.type,
  };
  const description = optionalString('description', o.description) ?? identity.description;
  if (description !== undefined) fields.description = description;
  if (o.urgency !== undefined) fields.urgency = assertOneOf('urgency', o.urgency, Urgency.values);
  const documentationUrl = optionalString('documentationUrl', o.documentationUrl);
  if (documentationUrl !== undefined) fields.documentationUrl = documentationUrl;
  const intRule = { integer: true, max: MAX_TIMER_MS };
  if (o.timeoutMs !== undefined)
    fields.timeoutMs = optionalNumber('timeoutMs', o.timeoutMs, 0, { ...intRule, min: 0 });
  if (o.pingPeriodMs !== undefined)
    fields.pingPeriodMs = optionalNumber('pingPeriodMs', o.pingPeriodMs, 1, { ...intRule, min: 1 });
  if (o.mode !== undefined) fields.mode = assertOneOf('mode', o.mode, MODES);
  if (o.toggle !== undefined) fields.toggle = assertFunction<() => boolean>('toggle', o.toggle);
  return Object.freeze({ fields, timeoutMs: fields.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS });
}

/** The `Dependency` a factory returns: the resolved fields plus its check function. */
export function toDependency(
  base: ResolvedCheckBase,
  check: (ctx: CheckContext) => CheckOutcome | Promise<CheckOutcome>,
): Dependency {
  return { ...base.fields, check };
}

/**
 * A dependency id derived from a host name: `<prefix>-<host>`, characters outside the id alphabet
 * replaced by `-`, trimmed to the 64 characters ids allow.
 *
 * @example
 * idFromHost('http', 'api.example.com:8443'); // 'http-api.example.com-8443'
 */
export function idFromHost(prefix: string, host: string): string {
  const cleaned = host
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
  return `${prefix}-${cleaned || 'unknown'}`.slice(0, 64).replace(/[-._]+$/, '');
}

/** Milliseconds rounded to 0.01, as reported in `observedValue`. */
export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}
