import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ConfigError } from '../errors/ConfigError';
import { resolveLogger } from '../logging/resolveLogger';
import { resolveRegistry } from '../metrics/registry';
import { assertBoolean, assertFunction, assertOptions, optionalNumber } from '../validation/assert';
import { assertFlagKey } from './Flag';
import type { FlagStore } from './FlagStore';
import { MemoryFlagStore } from './MemoryFlagStore';

/** Options of `new FeatureFlags(opts)`. */
export interface FeatureFlagsOptions {
  /** Where flags live; share a `RedisFlagStore` to share flags between instances. @default new MemoryFlagStore() */
  store?: FlagStore;
  /** Answers for keys the store does not hold (yet), e.g. `{ 'new-checkout': false }`. @default {} */
  defaults?: Record<string, boolean>;
  /**
   * Delay between background reloads of every flag, in ms: the safety net behind the store's
   * change notices, and how soon a lost connection is noticed. @default 5000
   */
  refreshMs?: number;
  /** pino logger; logs through `logger.child({ component: 'flags' })`. @default a silent logger */
  logger?: Logger;
  /** prom-client registry for `statuskit_flag_enabled`; `false` creates none. @default prom-client's global registry */
  registry?: Registry | false;
  /** Clock for `updatedAt` (epoch ms). @default Date.now */
  now?: () => number;
}

/** Defaults of {@link FeatureFlagsOptions}. */
export const FEATURE_FLAGS_DEFAULTS = Object.freeze({
  refreshMs: 5000,
  now: Date.now,
});

/** Upper bound on one `store.load()`, whatever the store does (a store should bound itself sooner). */
export const LOAD_GUARD_MS = 30_000;

/** {@link FeatureFlagsOptions} after validation and defaulting. */
export interface ResolvedFeatureFlagsOptions {
  store: FlagStore;
  defaults: ReadonlyMap<string, boolean>;
  refreshMs: number;
  logger: Logger;
  registry: Registry | undefined;
  now: () => number;
}

/** Validates `opts` (throwing `ConfigError` naming the option) and applies the defaults. */
export function resolveFeatureFlagsOptions(opts: unknown): ResolvedFeatureFlagsOptions {
  const o = assertOptions<FeatureFlagsOptions>('options', opts);
  return {
    store: o.store === undefined ? new MemoryFlagStore() : assertStore(o.store),
    defaults: resolveDefaults(o.defaults),
    refreshMs: optionalNumber('refreshMs', o.refreshMs, FEATURE_FLAGS_DEFAULTS.refreshMs, {
      min: 10,
      max: 2_147_483_647,
      integer: true,
    }),
    logger: resolveLogger(o.logger, 'flags'),
    registry: resolveRegistry(o.registry),
    now: o.now === undefined ? FEATURE_FLAGS_DEFAULTS.now : assertFunction<() => number>('now', o.now),
  };
}

function assertStore(store: unknown): FlagStore {
  const s = store as Partial<FlagStore> | null;
  const ok =
    typeof s === 'object' &&
    s !== null &&
    typeof s.load === 'function' &&
    typeof s.set === 'function' &&
    typeof s.subscribe === 'function' &&
    typeof s.close === 'function';
  if (!ok) throw new ConfigError('store', store, 'a FlagStore (load, set, subscribe, close)');
  return s as FlagStore;
}

function resolveDefaults(defaults: unknown): ReadonlyMap<string, boolean> {
  const d = assertOptions<Record<string, boolean>>('defaults', defaults);
  const out = new Map<string, boolean>();
  for (const [key, value] of Object.entries(d)) {
    assertFlagKey(key, 'defaults');
    out.set(key, assertBoolean(`defaults.${key}`, value));
  }
  return out;
}
