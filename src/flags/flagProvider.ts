import {
  ErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { assertBoolean, assertOptions } from '../validation/assert';
import { ConfigError } from '../errors/ConfigError';
import { FeatureFlags } from './FeatureFlags';
import { isValidFlagKey } from './Flag';
import type { FlagChange } from './FlagSnapshot';

/** Options of `flagProvider(flags, opts)`. */
export interface FlagProviderOptions {
  /** Stop the `FeatureFlags` when OpenFeature closes the provider (`OpenFeature.close()`). @default false */
  stopOnClose?: boolean;
}

/** Defaults of {@link FlagProviderOptions}. */
export const FLAG_PROVIDER_DEFAULTS = Object.freeze({ stopOnClose: false });

/**
 * An OpenFeature server provider answering boolean flags from a {@link FeatureFlags} snapshot
 * (no I/O per evaluation). Reasons:
 *
 * - `CACHED`: the flag is stored and the snapshot is fresh (the latest reload succeeded);
 * - `STALE`: the flag is stored but the store is unreachable (the latest reload failed), so the
 *   value is the last one seen;
 * - `STATIC`: the store holds no such flag; the value comes from `FeatureFlags`' `defaults`;
 * - `ERROR`: `FLAG_NOT_FOUND` for a key neither stored nor in `defaults` (or one that can never
 *   be valid), as the SDK's `InMemoryProvider` answers, so error hooks run; `TYPE_MISMATCH` for a
 *   string, number or object evaluation (statuskit flags are boolean). The caller's default is
 *   returned.
 *
 * Events: `PROVIDER_CONFIGURATION_CHANGED` with `flagsChanged` when flags change (batched per
 * tick), `PROVIDER_STALE` when the store becomes unreachable, `PROVIDER_READY` when it is back.
 * `initialize()` calls `flags.start()` (idempotent).
 */
export class StatuskitFlagProvider implements Provider {
  /** Provider metadata shown by OpenFeature. */
  readonly metadata = Object.freeze({ name: 'statuskit' });
  /** This provider runs on servers only. */
  readonly runsOn = 'server' as const;
  /** Emits configuration-changed, stale and ready events to OpenFeature. */
  readonly events = new OpenFeatureEventEmitter();
  private readonly stopOnClose: boolean;
  private changedKeys = new Set<string>();
  private disposers: Array<() => void> = [];

  constructor(
    private readonly flags: FeatureFlags,
    opts?: FlagProviderOptions,
  ) {
    if (!(flags instanceof FeatureFlags)) throw new ConfigError('flags', flags, 'a FeatureFlags instance');
    const o = assertOptions<FlagProviderOptions>('options', opts);
    this.stopOnClose =
      o.stopOnClose === undefined
        ? FLAG_PROVIDER_DEFAULTS.stopOnClose
        : assertBoolean('stopOnClose', o.stopOnClose);
  }

  /** Listens to the flags and starts them; resolves once the first load was attempted. */
  async initialize(): Promise<void> {
    this.detach();
    const onStale = (): void => this.events.emit(ProviderEvents.Stale, { message: 'flag store unreachable' });
    const onSynced = (): void => this.events.emit(ProviderEvents.Ready);
    this.flags.on('stale', onStale);
    this.flags.on('synced', onSynced);
    this.disposers.push(
      this.flags.onChange(this.onChange),
      () => this.flags.off('stale', onStale),
      () => this.flags.off('synced', onSynced),
    );
    await this.flags.start();
  }

  /** Stops listening (and stops the flags with `stopOnClose`). */
  async onClose(): Promise<void> {
    this.detach();
    if (this.stopOnClose) await this.flags.stop();
  }

  /** Resolves a boolean flag from the snapshot; see the class notes for the reasons. */
  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean): Promise<ResolutionDetails<boolean>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue));
  }

  /** statuskit flags are boolean: `ERROR` / `TYPE_MISMATCH`, the caller's default. */
  resolveStringEvaluation(flagKey: string, defaultValue: string): Promise<ResolutionDetails<string>> {
    return Promise.resolve(typeMismatch(flagKey, defaultValue, 'string'));
  }

  /** statuskit flags are boolean: `ERROR` / `TYPE_MISMATCH`, the caller's default. */
  resolveNumberEvaluation(flagKey: string, defaultValue: number): Promise<ResolutionDetails<number>> {
    return Promise.resolve(typeMismatch(flagKey, defaultValue, 'number'));
  }

  /** statuskit flags are boolean: `ERROR` / `TYPE_MISMATCH`, the caller's default. */
  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
  ): Promise<ResolutionDetails<T>> {
    return Promise.resolve(typeMismatch(flagKey, defaultValue, 'object'));
  }

  private resolve(key: string, defaultValue: boolean): ResolutionDetails<boolean> {
    if (!isValidFlagKey(key)) {
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.FLAG_NOT_FOUND,
        errorMessage: 'not a valid statuskit flag key',
      };
    }
    const flag = this.flags.get(key);
    if (flag) {
      return {
        value: flag.enabled,
        variant: flag.enabled ? 'on' : 'off',
        reason: this.flags.stale ? StandardResolutionReasons.STALE : StandardResolutionReasons.CACHED,
        flagMetadata: { description: flag.description, updatedAt: flag.updatedAt, updatedBy: flag.updatedBy },
      };
    }
    const fallback = this.flags.defaults[key];
    if (fallback !== undefined) {
      return { value: fallback, variant: fallback ? 'on' : 'off', reason: StandardResolutionReasons.STATIC };
    }
    // The SDK's own InMemoryProvider signals an unknown key the same way (it throws
    // FlagNotFoundError; the client turns both into these details), so error hooks and telemetry
    // see a misspelt flag instead of a silent default.
    return {
      value: defaultValue,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.FLAG_NOT_FOUND,
      errorMessage: `no flag "${key}" is stored or has a default`,
    };
  }

  private readonly onChange = (change: FlagChange): void => {
    if (this.changedKeys.size === 0) queueMicrotask(this.flushChanges);
    this.changedKeys.add(change.key);
  };

  private readonly flushChanges = (): void => {
    const flagsChanged = [...this.changedKeys];
    this.changedKeys = new Set();
    if (flagsChanged.length > 0) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged });
  };

  private detach(): void {
    for (const dispose of this.disposers) dispose();
    this.disposers = [];
    this.changedKeys.clear();
  }
}

function typeMismatch<T>(flagKey: string, defaultValue: T, type: string): ResolutionDetails<T> {
  return {
    value: defaultValue,
    reason: StandardResolutionReasons.ERROR,
    errorCode: ErrorCode.TYPE_MISMATCH,
    errorMessage: `statuskit flags are boolean; "${flagKey}" was requested as ${type}`,
  };
}

/**
 * An OpenFeature server provider over `flags` (see {@link StatuskitFlagProvider}).
 *
 * @example
 * await OpenFeature.setProviderAndWait(flagProvider(flags));
 * const on = await OpenFeature.getClient().getBooleanValue('new-checkout', false);
 */
export function flagProvider(flags: FeatureFlags, opts?: FlagProviderOptions): StatuskitFlagProvider {
  return new StatuskitFlagProvider(flags, opts);
}
