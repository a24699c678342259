import { EventEmitter } from 'node:events';
import type { Gauge } from 'prom-client';
import { gauge } from '../metrics/registry';
import { METRICS } from '../metrics/METRICS';
import { isStatuskitError } from '../errors/StatuskitError';
import { toSafeError } from '../redaction/redact';
import { withTimeout } from '../timing/withTimeout';
import { assertFlagKey, type Flag } from './Flag';
import type { FlagNotice, FlagUnsubscribe } from './FlagStore';
import { FlagSnapshot, type FlagChange, type FlagChangeOrigin } from './FlagSnapshot';
import {
  LOAD_GUARD_MS,
  resolveFeatureFlagsOptions,
  type FeatureFlagsOptions,
  type ResolvedFeatureFlagsOptions,
} from './FeatureFlagsOptions';
import { UnknownOutcomes } from './UnknownOutcomes';
import { isEchoOf, resolveSetFlag, type PendingSet, type SetFlagOptions } from './SetFlagOptions';

/**
 * Feature flags and kill switches, flipped at run time on every instance. `isEnabled` is
 * synchronous and O(1) from a local snapshot; the store is read only in the background (change
 * notices, plus a reload every `refreshMs`), so a slow or unreachable store never slows a request
 * or changes an answer: the last snapshot stays in force.
 *
 * Events: `'changed'` ({@link FlagChange}, once per flag that changed, whoever changed it),
 * `'stale'` (`{ err }`: a reload failed; answers come from the last snapshot), `'synced'` (a reload
 * succeeded again). A listener that throws is logged and harms nothing.
 *
 * @example
 * const flags = new FeatureFlags({ store: new RedisFlagStore(redis), defaults: { 'new-checkout': false } });
 * await flags.start();
 * if (flags.isEnabled('new-checkout')) { ... }
 * await flags.set('new-checkout', true, { actor: 'alice' });
 */
export class FeatureFlags extends EventEmitter {
  /** Answers for keys the store does not hold (frozen copy of the `defaults` option). */
  readonly defaults: Readonly<Record<string, boolean>>;
  private readonly opts: ResolvedFeatureFlagsOptions;
  private readonly snapshot: FlagSnapshot;
  private readonly metric: Gauge | undefined;
  private readonly pending = new Set<PendingSet>();
  private readonly unknown: UnknownOutcomes;
  private running = false;
  private starting: Promise<void> | undefined;
  private unsubscribe: FlagUnsubscribe | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<boolean> | undefined;
  private overlay: Flag[] | undefined;
  private failing = false;
  private syncedAt = 0;

  constructor(opts?: FeatureFlagsOptions) {
    super();
    this.opts = resolveFeatureFlagsOptions(opts);
    this.defaults = Object.freeze(
      Object.assign(Object.create(null) as object, Object.fromEntries(this.opts.defaults)),
    );
    this.snapshot = new FlagSnapshot(this.opts.defaults);
    this.unknown = new UnknownOutcomes(this.opts.logger);
    this.metric = this.opts.registry ? gauge(this.opts.registry, METRICS.flagEnabled) : undefined;
    for (const [key, value] of this.opts.defaults) this.metric?.set({ flag: key }, value ? 1 : 0);
  }

  /**
   * Subscribes to change notices and loads every flag; then reloads every `refreshMs`. Resolves
   * even when the store is unreachable (answers come from `defaults` until it is back; `stale` is
   * `true`). Calling it again returns the same promise.
   */
  start(): Promise<void> {
    if (this.starting) return this.starting;
    this.running = true;
    this.starting = this.startUp();
    return this.starting;
  }

  /** Stops reloading and unsubscribes (closing a Redis subscriber connection). Safe to call twice. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.starting?.catch(() => undefined);
    this.starting = undefined;
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    await unsubscribe?.().catch(() => undefined);
  }

  /** Whether `key` is on: the stored value, else `defaults[key]`, else `false`. O(1); never throws. */
  isEnabled(key: string): boolean {
    return this.snapshot.isEnabled(key);
  }

  /** A function answering `isEnabled(key)`, e.g. a dependency's `toggle` or a fallback tier's switch. */
  toggle(key: string): () => boolean {
    const k = assertFlagKey(key);
    return () => this.snapshot.isEnabled(k);
  }

  /** The stored flag, from the snapshot (`undefined` for a key only `defaults` know). */
  get(key: string): Flag | undefined {
    return this.snapshot.get(key);
  }

  /** Every stored flag, sorted by key. */
  list(): Flag[] {
    return this.snapshot.list();
  }

  /** `true` while the latest reload failed: answers come from an older snapshot. */
  get stale(): boolean {
    return this.failing;
  }

  /** When every flag was last loaded successfully (epoch ms); 0 if never. */
  get lastSyncAt(): number {
    return this.syncedAt;
  }

  /**
   * Stores a flag for every instance and applies it here at once. Rejects with `ConfigError` for a
   * bad key or option, or with `RedisUnavailableError` when the store is unavailable (nothing was
   * sent; nothing changes). Rejects with `OutcomeUnknownError` when the write was sent but not
   * answered in time: it may still land. Nothing changes here until the store answers again; then
   * the snapshot shows the real value and one `flag outcome reconciled` line logs it.
   */
  async set(key: string, enabled: boolean, opts?: SetFlagOptions): Promise<Flag> {
    const write = { ...resolveSetFlag(key, enabled, opts), at: this.opts.now() };
    const pending: PendingSet = { ...write, seen: false };
    this.pending.add(pending);
    try {
      const { flag } = await this.opts.store.set(write);
      // Our own notice already came back: the snapshot holds this write or a later one.
      if (!pending.seen) this.apply(flag, 'local');
      return flag;
    } catch (err) {
      if (isStatuskitError(err, 'ERR_STATUSKIT_OUTCOME_UNKNOWN')) {
        this.unknown.add(write.key, write.enabled, write.actor, write.at);
        this.opts.logger.warn(
          { key: write.key, actor: write.actor, intended: write.enabled, err: toSafeError(err) },
          'flag change outcome unknown; the next answer from the store will tell',
        );
      }
      throw err;
    } finally {
      this.pending.delete(pending);
    }
  }

  /** Calls `listener` for every change; returns a function that removes it. */
  onChange(listener: (change: FlagChange) => void): () => void {
    this.on('changed', listener);
    return () => void this.off('changed', listener);
  }

  /** Reloads every flag now (shared with a reload in flight); resolves `false` when the store failed. */
  refresh(): Promise<boolean> {
    this.inflight ??= this.reload().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async startUp(): Promise<void> {
    // Subscribing and the first load run side by side, so start() takes at most one store timeout
    // on a Redis that never answers. A notice missed in between is not lost: a store sends a
    // `resync` once its subscription is established, and that reloads.
    const subscribed = this.opts.store.subscribe(this.onNotice).then(
      (unsubscribe) => void (this.unsubscribe = unsubscribe),
      (err: unknown) => {
        this.opts.logger.warn({ err: toSafeError(err) }, 'flag change notices unavailable; polling only');
      },
    );
    await Promise.all([subscribed, this.refresh()]);
    this.schedule();
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh().then(() => this.schedule());
    }, this.opts.refreshMs);
    this.timer.unref();
  }

  private async reload(): Promise<boolean> {
    const overlay: Flag[] = [];
    this.overlay = overlay;
    const reload = this.unknown.reloadStarted();
    let flags: Flag[];
    try {
      flags = await withTimeout(() => this.opts.store.load(), LOAD_GUARD_MS, 'flag store load');
    } catch (err) {
      this.markFailing(err);
      return false;
    } finally {
      this.overlay = undefined;
    }
    // Changes seen while the load was in flight are at least as new as what it read.
    const merged = new Map(flags.map((f) => [f.key, f]));
    for (const f of overlay) merged.set(f.key, f);
    this.publish(this.snapshot.replaceAll(merged.values(), 'refresh'));
    if (this.unknown.size > 0) this.unknown.reloaded(reload, (k) => this.snapshot.get(k)?.enabled ?? null);
    this.markSynced();
    return true;
  }

  private readonly onNotice = (notice: FlagNotice): void => {
    if (!this.running) return;
    if (notice.type === 'resync') {
      void this.refresh();
      return;
    }
    const f = notice.flag;
    let origin: FlagChangeOrigin = 'notice';
    for (const p of this.pending) {
      if (isEchoOf(p, f)) {
        p.seen = true;
        origin = 'local';
      }
    }
    this.apply(f, origin);
    if (this.unknown.size > 0) this.unknown.noticed(f);
  };

  private apply(flag: Flag, origin: FlagChangeOrigin): void {
    this.overlay?.push(flag);
    const change = this.snapshot.upsert(flag, origin);
    if (change) this.publish([change]);
  }

  private publish(changes: FlagChange[]): void {
    for (const c of changes) {
      this.opts.logger.info(
        { key: c.key, actor: c.actor, from: c.from, to: c.to, enabled: c.enabled, origin: c.origin },
        'flag changed',
      );
      this.metric?.set({ flag: c.key }, c.enabled ? 1 : 0);
      this.safeEmit('changed', c);
    }
  }

  private markFailing(err: unknown): void {
    if (this.failing) return;
    this.failing = true;
    const safe = toSafeError(err);
    this.opts.logger.warn({ err: safe }, 'flag store unreachable; answering from the last snapshot');
    this.safeEmit('stale', { err: safe });
  }

  private markSynced(): void {
    this.syncedAt = this.opts.now();
    if (!this.failing) return;
    this.failing = false;
    this.opts.logger.info('flag store reachable again');
    this.safeEmit('synced', { at: this.syncedAt });
  }

  private safeEmit(event: string, payload: unknown): void {
    for (const listener of this.rawListeners(event) as Array<(p: unknown) => void>) {
      try {
        listener.call(this, payload);
      } catch (err) {
        this.opts.logger.error({ err: toSafeError(err), event }, 'flag listener threw');
      }
    }
  }
}
