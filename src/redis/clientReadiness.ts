import type { RedisClient } from './RedisClient';

/** One client's start-up state: whether it was ever `ready`, and the calls waiting for that. */
interface Tracker {
  everReady: boolean;
  /** Callbacks of calls waiting for the first `ready`; each removes itself when its wait ends. */
  readonly waiters: Set<() => void>;
}

/** Keyed by the user's client, so a client that is garbage-collected takes its state with it. */
const trackers = new WeakMap<object, Tracker>();

/**
 * Whether a standalone ioredis client lost a connection that had been ready. ioredis keeps the
 * connection's state (`prevCondition`) from the moment a ready connection closes until the next
 * `ready`, so this holds even for a client we first see while it is reconnecting. Not part of
 * ioredis's typed API: without it we only know what we saw ourselves.
 */
function lostReadyConnection(client: RedisClient): boolean {
  const previous = (client as unknown as { prevCondition?: unknown }).prevCondition;
  return previous !== undefined && previous !== null;
}

/** Closed on purpose (`quit()`/`disconnect()`, or its retry strategy gave up): no connect to wait for. */
function closedByUser(client: RedisClient): boolean {
  const status = client.status;
  return (
    status === 'end' ||
    status === 'disconnecting' ||
    (client as unknown as { manuallyClosing?: unknown }).manuallyClosing === true
  );
}

function trackerOf(client: RedisClient): Tracker {
  const t = trackers.get(client);
  if (t !== undefined) return t;
  const everReady = client.status === 'ready' || lostReadyConnection(client);
  const tracker: Tracker = { everReady, waiters: new Set() };
  trackers.set(client, tracker);
  // One listener per client, whatever the number of calls, removed by `once` when it fires.
  if (!tracker.everReady) {
    client.once('ready', () => {
      tracker.everReady = true;
      const waiting = [...tracker.waiters];
      tracker.waiters.clear();
      for (const wake of waiting) wake();
    });
  }
  return tracker;
}

/**
 * Starts following `client`'s first connect. Call it when a component is built, so a client that
 * becomes ready and then loses its connection before the component's first call is still known as
 * "was ready" (and fails fast) rather than waited for.
 */
export function trackClient(client: RedisClient): void {
  trackerOf(client);
}

/**
 * How a call on `client` must proceed now:
 * - `'ready'`: send at once;
 * - `'starting'`: the client was never ready (just created, first connect in progress): wait for
 *   it, briefly (see {@link waitForFirstReady});
 * - `'down'`: it was ready and lost its connection (reconnecting, closed, ended): fail at once, a
 *   known-down Redis costs nothing.
 *
 * A lazy client (`lazyConnect`, status `'wait'`) is asked to connect.
 */
export function readiness(client: RedisClient): 'ready' | 'starting' | 'down' {
  const status = client.status;
  const tracker = trackerOf(client);
  if (status === 'ready') {
    tracker.everReady = true;
    return 'ready';
  }
  if (status === 'wait') (client.connect() as Promise<unknown>).catch(() => undefined);
  if (!tracker.everReady && lostReadyConnection(client)) tracker.everReady = true;
  return tracker.everReady || closedByUser(client) ? 'down' : 'starting';
}

/**
 * Resolves `true` once `client` is ready, or `false` after `timeoutMs` or when `signal` aborts;
 * never rejects and never sends a command (nothing of ours waits in ioredis's offline queue).
 * Every concurrent wait on one client shares its single `'ready'` listener.
 */
export function waitForFirstReady(
  client: RedisClient,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  const tracker = trackerOf(client);
  if (tracker.everReady) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const finish = (ready: boolean): void => {
      clearTimeout(timer);
      tracker.waiters.delete(wake);
      signal?.removeEventListener('abort', onAbort);
      resolve(ready);
    };
    const wake = (): void => finish(true);
    const onAbort = (): void => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    timer.unref();
    tracker.waiters.add(wake);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
