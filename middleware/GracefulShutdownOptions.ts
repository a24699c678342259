import { constants } from 'node:os';
import type { Logger } from 'pino';
import { ConfigError } from '../src/errors/ConfigError';
import { resolveLogger } from '../src/logging/resolveLogger';
import { assertFunction, assertOptions, optionalNumber } from '../src/validation/assert';
import type { DrainableManager } from './HealthSource';

/** Options of {@link gracefulShutdown}. */
export interface GracefulShutdownOptions {
  /** The manager to drain (readiness and `/healthcheck` answer 503 at once) and stop. */
  manager?: DrainableManager;
  /** How long to keep serving after the signal, so load balancers notice the 503s. @default 5000 */
  drainDelayMs?: number;
  /** From the first signal, the time after which the process exits with code 1 anyway. @default 30000 */
  timeoutMs?: number;
  /**
   * Signals that start the shutdown; a second one forces exit. `[]`: none, start it with
   * `handle.shutdown()`. @default ['SIGTERM', 'SIGINT']
   */
  signals?: readonly NodeJS.Signals[];
  /** Runs after the server closed and the manager stopped: close pools, flush logs. */
  onShutdown?: () => void | Promise<void>;
  /** Ends the process; inject one in tests. @default process.exit */
  exit?: (code: number) => void;
  /** pino logger (child `{ component: 'shutdown' }`). @default a silent logger */
  logger?: Logger;
}

/** Defaults of {@link GracefulShutdownOptions}. */
export const GRACEFUL_SHUTDOWN_DEFAULTS = Object.freeze({
  drainDelayMs: 5000,
  timeoutMs: 30_000,
  signals: Object.freeze(['SIGTERM', 'SIGINT'] as NodeJS.Signals[]),
});

/** {@link GracefulShutdownOptions} after validation and defaulting. */
export interface ResolvedShutdownOptions {
  manager: DrainableManager | undefined;
  drainDelayMs: number;
  timeoutMs: number;
  signals: readonly NodeJS.Signals[];
  onShutdown: (() => void | Promise<void>) | undefined;
  exit: (code: number) => void;
  logger: Logger;
}

const MAX_TIMER_MS = 2_147_483_647;
const UNCATCHABLE = new Set(['SIGKILL', 'SIGSTOP']);

function resolveSignals(value: unknown): readonly NodeJS.Signals[] {
  if (value === undefined) return GRACEFUL_SHUTDOWN_DEFAULTS.signals;
  const ok =
    Array.isArray(value) &&
    value.every((s) => typeof s === 'string' && s in constants.signals && !UNCATCHABLE.has(s));
  if (!ok) throw new ConfigError('signals', value, 'a list of catchable signal names');
  return Object.freeze([...new Set(value as NodeJS.Signals[])]);
}

function resolveManager(value: unknown): DrainableManager | undefined {
  if (value === undefined) return undefined;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    'drain' in value &&
    typeof value.drain === 'function' &&
    'stop' in value &&
    typeof value.stop === 'function';
  if (!ok) throw new ConfigError('manager', value, 'a DependencyManager');
  return value as DrainableManager;
}

/** Validates `opts` (throwing `ConfigError` naming the option) and applies the defaults. */
export function resolveShutdownOptions(opts: unknown): ResolvedShutdownOptions {
  const o = assertOptions<GracefulShutdownOptions>('options', opts);
  const D = GRACEFUL_SHUTDOWN_DEFAULTS;
  const timeoutMs = optionalNumber('timeoutMs', o.timeoutMs, D.timeoutMs, {
    integer: true,
    min: 1,
    max: MAX_TIMER_MS,
  });
  const drainDelayMs = optionalNumber('drainDelayMs', o.drainDelayMs, D.drainDelayMs, {
    integer: true,
    min: 0,
    max: MAX_TIMER_MS,
  });
  if (drainDelayMs > timeoutMs) {
    throw new ConfigError('drainDelayMs', drainDelayMs, `≤ timeoutMs (${timeoutMs})`);
  }
  return {
    manager: resolveManager(o.manager),
    drainDelayMs,
    timeoutMs,
    signals: resolveSignals(o.signals),
    onShutdown:
      o.onShutdown === undefined ? undefined : assertFunction<() => void>('onShutdown', o.onShutdown),
    exit:
      o.exit === undefined
        ? (code: number) => process.exit(code)
        : assertFunction<(code: number) => void>('exit', o.exit),
    logger: resolveLogger(o.logger, 'shutdown'),
  };
}
