import { EventEmitter } from 'node:events';
import type { DependencyManagerEventName, DependencyManagerEvents } from './DependencyManagerEvents';

/** A listener of one manager event. */
export type ManagerListener<K extends DependencyManagerEventName> = (
  ...args: DependencyManagerEvents[K]
) => void;

type AnyListener = (...args: unknown[]) => unknown;

/**
 * Node's `EventEmitter` with the manager's events typed on subscription, and a `safeEmit` that
 * shields the manager from its listeners.
 *
 * Typed by overriding the subscription methods rather than with `EventEmitter<Map>`: the generic
 * form needs a recent `@types/node` in every consumer, and its conditional listener types keep the
 * class from satisfying plain structural views such as the middleware's `HealthSource`.
 */
export class ManagerEmitter extends EventEmitter {
  constructor(private readonly onListenerError: (event: string, err: unknown) => void) {
    super();
  }

  override on<K extends DependencyManagerEventName>(event: K, listener: ManagerListener<K>): this {
    return super.on(event, listener);
  }

  override addListener<K extends DependencyManagerEventName>(event: K, listener: ManagerListener<K>): this {
    return super.addListener(event, listener);
  }

  override prependListener<K extends DependencyManagerEventName>(
    event: K,
    listener: ManagerListener<K>,
  ): this {
    return super.prependListener(event, listener);
  }

  override once<K extends DependencyManagerEventName>(event: K, listener: ManagerListener<K>): this {
    return super.once(event, listener);
  }

  override prependOnceListener<K extends DependencyManagerEventName>(
    event: K,
    listener: ManagerListener<K>,
  ): this {
    return super.prependOnceListener(event, listener);
  }

  override off<K extends DependencyManagerEventName>(event: K, listener: ManagerListener<K>): this {
    return super.off(event, listener);
  }

  override removeListener<K extends DependencyManagerEventName>(
    event: K,
    listener: ManagerListener<K>,
  ): this {
    return super.removeListener(event, listener);
  }

  /** Calls every listener; one that throws or rejects is reported and harms nothing: a listener's bug must not stop the manager's bookkeeping. */
  protected safeEmit<K extends DependencyManagerEventName>(
    event: K,
    ...args: DependencyManagerEvents[K]
  ): void {
    if (this.listenerCount(event) === 0) return;
    for (const listener of this.rawListeners(event) as AnyListener[]) {
      try {
        const out = listener.apply(this, args);
        if (out instanceof Promise) out.catch((err: unknown) => this.onListenerError(event, err));
      } catch (err) {
        this.onListenerError(event, err);
      }
    }
  }
}
