import { TimeoutError } from '../../errors/TimeoutError';
import type { PgClient, PgPool, PgPoolClient, PgQuery, PgResult } from './PgLike';

/** Internals of a `pg` client that a timeout needs: the backend's pid, and the socket to destroy. */
interface PgClientInternals {
  processID?: number | null;
  connection?: { stream?: { destroy?: () => void } };
}

/**
 * True when `err` means the connection is unusable (refused, dropped, server shutting down), as
 * opposed to an SQL error on a healthy connection. SQLSTATE classes 08 (connection exception) and
 * 57P (operator intervention) are connection failures; an error without an SQLSTATE comes from
 * the socket or the driver.
 */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith('08') || code.startsWith('57P');
}

/**
 * Runs one query on a client of `pool`, the wait for a client included, bounded by `timeoutMs`.
 * When the bound passes, the query is cancelled on the server (`pg_cancel_backend`, itself bounded)
 * and the connection destroyed, so a frozen or stuck server never keeps a pool client for good; a
 * client that arrives after the bound is handed straight back. Rejects with `TimeoutError` then.
 * Internal.
 */
export async function poolQuery<R>(
  pool: PgPool,
  query: PgQuery,
  timeoutMs: number,
  what: string,
  cancel = true,
): Promise<PgResult<R>> {
  const started = Date.now();
  const client = await connectBounded(pool, timeoutMs, what);
  const left = Math.max(1, timeoutMs - (Date.now() - started));
  return heldQuery<R>(pool, client, query, left, what, cancel, timeoutMs);
}

/**
 * `pool.connect()` bounded by `timeoutMs` (rejects with `TimeoutError`); a client that arrives
 * after the bound is handed straight back to the pool. Internal.
 */
export function connectBounded(pool: PgPool, timeoutMs: number, what: string): Promise<PgPoolClient> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new TimeoutError(what, timeoutMs));
    }, timeoutMs);
    timer.unref();
    pool.connect().then(
      (c) => {
        guard(c);
        if (timedOut) return c.release();
        clearTimeout(timer);
        resolve(c);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(asError(err));
      },
    );
  });
}

/**
 * Runs one query on `client` (checked out of `pool`) and releases it, bounded by `timeoutMs`:
 * past it the client is abandoned (cancelled on the server unless `cancel` is false, destroyed,
 * removed from the pool) and the promise rejects with `TimeoutError` (reporting `reportedMs`).
 * A connection error destroys the client too; an SQL error hands it back. Internal.
 */
export function heldQuery<R>(
  pool: PgPool,
  client: PgPoolClient,
  query: PgQuery,
  timeoutMs: number,
  what: string,
  cancel = true,
  reportedMs = timeoutMs,
): Promise<PgResult<R>> {
  return within(client.query(query), timeoutMs, () => abandon(pool, client, reportedMs, cancel), {
    what,
    reportedMs,
    settled: (err) => client.release(err !== undefined && isConnectionError(err) ? asError(err) : undefined),
  }) as Promise<PgResult<R>>;
}

/**
 * Runs one query on a client the caller holds (inside its transaction), bounded by `timeoutMs`.
 * When the bound passes, the statement is cancelled on the server through `pool` (the caller's
 * transaction is then aborted: roll it back); the caller's connection is left to the caller.
 * Internal.
 */
export function clientQuery<R>(
  client: PgClient,
  pool: PgPool,
  query: PgQuery,
  timeoutMs: number,
  what: string,
): Promise<PgResult<R>> {
  return within(client.query(query), timeoutMs, () => cancelOnServer(pool, client, timeoutMs), {
    what,
    reportedMs: timeoutMs,
  }) as Promise<PgResult<R>>;
}

/**
 * Settles like `work` if it settles within `timeoutMs` (calling `settled` with its error, if any);
 * otherwise calls `onTimeout` and rejects with `TimeoutError`, and `work`'s late outcome is dropped.
 */
function within<T>(
  work: Promise<T>,
  timeoutMs: number,
  onTimeout: () => void,
  opts: { what: string; reportedMs: number; settled?: (err: unknown) => void },
): Promise<T> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      onTimeout();
      reject(new TimeoutError(opts.what, opts.reportedMs));
    }, timeoutMs);
    timer.unref();
    work.then(
      (result) => {
        if (timedOut) return;
        clearTimeout(timer);
        opts.settled?.(undefined);
        resolve(result);
      },
      (err: unknown) => {
        if (timedOut) return;
        clearTimeout(timer);
        opts.settled?.(err ?? new Error('query failed'));
        reject(err);
      },
    );
  });
}

/** Gives up on a pool client whose query outlived its bound: cancel on the server, destroy, remove. */
export function abandon(pool: PgPool, client: PgPoolClient, timeoutMs: number, cancel = true): void {
  if (cancel) cancelOnServer(pool, client, timeoutMs);
  // The late failure of the query (or of the socket) must not reach an 'error' event with no listener.
  client.on('error', () => undefined);
  (client as unknown as PgClientInternals).connection?.stream?.destroy?.();
  client.release(new Error('statuskit: query outlived its timeout; connection destroyed'));
}

/**
 * Asks the server to cancel what `client`'s backend is running, on another connection, bounded by
 * `timeoutMs`. Best effort: a frozen server answers nothing, and then the destroyed connection is
 * what frees the pool. The cancel itself is never cancelled (that would chain cancels of cancels).
 */
function cancelOnServer(pool: PgPool, client: PgClient, timeoutMs: number): void {
  const pid = (client as unknown as PgClientInternals).processID;
  if (typeof pid !== 'number') return;
  const cancel = { text: 'SELECT pg_cancel_backend($1)', values: [pid] };
  void poolQuery(pool, cancel, timeoutMs, 'cancel query', false).catch(() => undefined);
}

const guarded = new WeakSet<object>();

/**
 * pg-pool listens for 'error' only on idle clients: a checked-out client whose server goes away
 * between two queries would otherwise throw an unhandled 'error' event. The failure still reaches
 * the query that meets it.
 */
function guard(client: PgPoolClient): void {
  if (guarded.has(client)) return;
  guarded.add(client);
  client.on('error', () => undefined);
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
