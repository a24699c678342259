/**
 * The parts of `pg` statuskit uses, as structural types: a `pg.Pool` and its clients fit them, and
 * statuskit's own declarations never import `pg` (an optional peer dependency), so a project that
 * does not install it still type-checks.
 */

/** A query as `pg` takes it. */
export interface PgQuery {
  /** The SQL, with `$1`… placeholders. */
  text: string;
  /** The placeholders' values. */
  values?: unknown[];
}

/** What a query resolves with. */
export interface PgResult<R> {
  /** The rows returned. */
  rows: R[];
  /** Rows returned or changed (`null` for a command that counts none). */
  rowCount: number | null;
}

/** A notification received on a `LISTEN` channel. */
export interface PgNotification {
  /** The channel it was sent on. */
  channel: string;
  /** The text sent with `NOTIFY`, if any. */
  payload?: string;
}

/** Anything that runs a query: a pool, a pool client, a client. */
export interface PgQueryable {
  /** Runs one query. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's own signature returns rows of `any`
  query(config: PgQuery): Promise<PgResult<any>>;
}

/** A client checked out of a pool (`pool.connect()`), or a `pg.Client` inside your transaction. */
export interface PgClient extends PgQueryable {
  /** The connection failed (a killed server, a destroyed socket). */
  on(event: 'error', listener: (err: Error) => void): unknown;
  /** The connection ended. */
  on(event: 'end', listener: () => void): unknown;
  /** A `NOTIFY` arrived on a channel this client `LISTEN`s to. */
  on(event: 'notification', listener: (n: PgNotification) => void): unknown;
  /** Removes the listeners added for `event` (all of them without one). */
  removeAllListeners(event?: string): unknown;
}

/** A pool client: released to the pool, or destroyed with `release(err)`. */
export interface PgPoolClient extends PgClient {
  /** Back to the pool; with an error (or `true`) the connection is destroyed instead. */
  release(err?: Error | boolean): void;
}

/** A `pg.Pool` you created. */
export interface PgPool extends PgQueryable {
  /** Checks a client out of the pool. */
  connect(): Promise<PgPoolClient>;
  /** Callers waiting for a client. */
  readonly waitingCount: number;
  /** Clients open, busy or idle. */
  readonly totalCount: number;
  /** Clients open and idle. */
  readonly idleCount: number;
}

/** True for an object shaped like a `pg.Pool`. */
export function isPgPool(value: unknown): value is PgPool {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<PgPool>;
  return (
    typeof p.connect === 'function' && typeof p.query === 'function' && typeof p.waitingCount === 'number'
  );
}

/** True for an object shaped like a `pg` client. */
export function isPgClient(value: unknown): value is PgClient {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<PgClient>;
  return typeof c.query === 'function' && typeof c.on === 'function';
}
