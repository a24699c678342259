/**
 * The SQL of a PostgreSQL outbox, for one table. The table name was validated as an identifier
 * (or schema.identifier) before it gets here; it is quoted all the same. Internal.
 */
export interface OutboxSql {
  /** The `pg_notify` channel that wakes consumers. */
  channel: string;
  /** Creates the table and its indexes, once, under an advisory lock (one implicit transaction). */
  migrate: string;
  /**
   * $1 id, $2 type, $3 payload (JSON text). Holds the "adding" lock (shared) until the caller's
   * transaction ends, then notifies only when the row was inserted and a consumer is idle.
   */
  insert: string;
  listen: string;
  /**
   * On the listening session: takes the "idle" lock (shared, session-level), then tries the "adding"
   * lock. `clear` is null when the idle lock was not taken, false while some transaction that added
   * an event is still open, true when none is.
   */
  idle: string;
  /** On a session that holds the idle lock: `clear` as in `idle`. */
  clear: string;
  /** On the listening session: gives the idle lock back (the consumer has work again). */
  busy: string;
  /** $1 limit, $2 owner, $3 lease ms. Returns the claimed rows, their attempts counted. */
  claim: string;
  /** $1 ids, $2 owner, $3 lease ms. */
  renew: string;
  /** $1 ids, $2 owner. */
  deleteDone: string;
  /** $1 ids, $2 owner. */
  markDone: string;
  /** $1 retention ms: drops up to 1000 retained rows older than it. */
  purgeDone: string;
  /** $1 id, $2 owner, $3 delay ms, $4 last error (JSON text). */
  retry: string;
  /** $1 id, $2 owner, $3 last error (JSON text), $4 maxAttempts (runs beyond it were never made). */
  park: string;
  /** $1 ids, $2 owner: hands leased rows back at once (stop, start-up). */
  release: string;
  /** $1 owner: hands back every row leased by that owner name (a restart of the same consumer). */
  releaseOwner: string;
  /** Pending count, review count, age of the oldest pending row in ms (null when none). */
  counts: string;
  review: string;
  /** $1 id. */
  requeue: string;
}

/** `app.outbox` → `"app"."outbox"`. */
function quote(table: string): string {
  return table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

/** A stable 32-bit key for `pg_advisory_xact_lock`, from the table name. */
function lockKey(table: string): number {
  let h = 0x811c9dc5;
  for (const ch of `statuskit_outbox:${table}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

const EVENT_COLUMNS =
  't.id, t.type, t.payload, t.attempts, t.last_error, ' +
  '(extract(epoch FROM t.created_at) * 1000)::float8 AS created_ms, ' +
  '(extract(epoch FROM t.updated_at) * 1000)::float8 AS updated_ms';

/**
 * Two advisory locks (two-key form, apart from the single-key one of `migrate`) decide whether an
 * add must notify. PostgreSQL serialises the commits of every transaction that carries a NOTIFY
 * (the notification queue is locked until the commit is durable), so adds notify only while some
 * consumer is idle. Idle consumers hold IDLE (shared, on their listening session, so it goes away
 * with the session); an add tests it with an exclusive try that it drops at once. Each add holds
 * ADDING (shared) from before that test until its transaction ends, so a consumer that took IDLE
 * and then finds ADDING free knows that no add which missed its IDLE is still uncommitted: one
 * claim after that sees every event it did not get a notification for.
 */
const ADDING = 1;
const IDLE = 2;

const LEASE = `now() + make_interval(secs => $3::float8 / 1000)`;

/** Every statement for `table`. */
export function outboxSql(table: string): OutboxSql {
  const t = quote(table);
  const base = table.replace('.', '_');
  const channel = `${base}_wake`;
  const key = lockKey(table);
  const clear = `pg_try_advisory_xact_lock(${key}, ${ADDING})`;
  return {
    channel,
    migrate: [
      `SELECT pg_advisory_xact_lock(${lockKey(table)})`,
      `CREATE TABLE IF NOT EXISTS ${t} (
        id text PRIMARY KEY,
        type text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'PENDING'
          CHECK (status IN ('PENDING', 'DONE', 'MANUAL_REVIEW_REQUIRED')),
        attempts integer NOT NULL DEFAULT 0,
        last_error jsonb,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_owner text,
        lease_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX IF NOT EXISTS "${base}_due" ON ${t} (next_attempt_at) WHERE status = 'PENDING'`,
      `CREATE INDEX IF NOT EXISTS "${base}_settled" ON ${t} (status, updated_at) WHERE status <> 'PENDING'`,
    ].join(';\n'),
    // The idle test is volatile, so it runs per inserted row: after ADDING was taken.
    insert:
      `WITH ins AS (INSERT INTO ${t} (id, type, payload) SELECT $1, $2, $3::jsonb ` +
      `FROM (SELECT pg_advisory_xact_lock_shared(${key}, ${ADDING})) AS adding ` +
      `ON CONFLICT (id) DO NOTHING RETURNING 1) SELECT pg_notify('${channel}', '') FROM ins ` +
      `WHERE CASE WHEN pg_try_advisory_lock(${key}, ${IDLE}) THEN NOT pg_advisory_unlock(${key}, ${IDLE}) ELSE true END`,
    listen: `LISTEN "${channel}"`,
    idle: `SELECT CASE WHEN pg_try_advisory_lock_shared(${key}, ${IDLE}) THEN ${clear} END AS clear`,
    clear: `SELECT ${clear} AS clear`,
    busy: `SELECT pg_advisory_unlock_shared(${key}, ${IDLE})`,
    claim:
      `WITH due AS (SELECT id FROM ${t} WHERE status = 'PENDING' AND next_attempt_at <= now() ` +
      `ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) ` +
      `UPDATE ${t} AS t SET attempts = t.attempts + 1, lease_owner = $2, lease_expires_at = ${LEASE}, ` +
      `next_attempt_at = ${LEASE}, updated_at = now() FROM due WHERE t.id = due.id RETURNING ${EVENT_COLUMNS}`,
    renew:
      `UPDATE ${t} SET lease_expires_at = ${LEASE}, next_attempt_at = ${LEASE} ` +
      `WHERE id = ANY($1::text[]) AND lease_owner = $2 AND status = 'PENDING'`,
    deleteDone: `DELETE FROM ${t} WHERE id = ANY($1::text[]) AND lease_owner = $2`,
    markDone:
      `UPDATE ${t} SET status = 'DONE', lease_owner = NULL, lease_expires_at = NULL, updated_at = now() ` +
      `WHERE id = ANY($1::text[]) AND lease_owner = $2`,
    purgeDone:
      `DELETE FROM ${t} WHERE id IN (SELECT id FROM ${t} WHERE status = 'DONE' ` +
      `AND updated_at < now() - make_interval(secs => $1::float8 / 1000) LIMIT 1000)`,
    retry:
      `UPDATE ${t} SET lease_owner = NULL, lease_expires_at = NULL, ` +
      `next_attempt_at = now() + make_interval(secs => $3::float8 / 1000), last_error = $4::jsonb, ` +
      `updated_at = now() WHERE id = $1 AND lease_owner = $2`,
    park:
      `UPDATE ${t} SET status = 'MANUAL_REVIEW_REQUIRED', lease_owner = NULL, lease_expires_at = NULL, ` +
      `attempts = least(attempts, $4), last_error = $3::jsonb, updated_at = now() ` +
      `WHERE id = $1 AND lease_owner = $2`,
    release:
      `UPDATE ${t} SET lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = now(), ` +
      `attempts = greatest(attempts - 1, 0) WHERE id = ANY($1::text[]) AND lease_owner = $2 AND status = 'PENDING'`,
    releaseOwner:
      `UPDATE ${t} SET lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = now() ` +
      `WHERE lease_owner = $1 AND status = 'PENDING'`,
    counts:
      `SELECT (SELECT count(*) FROM ${t} WHERE status = 'PENDING')::int AS pending, ` +
      `(SELECT count(*) FROM ${t} WHERE status = 'MANUAL_REVIEW_REQUIRED')::int AS review, ` +
      `(SELECT (extract(epoch FROM now() - min(created_at)) * 1000)::float8 FROM ${t} ` +
      `WHERE status = 'PENDING') AS oldest_ms`,
    review: `SELECT ${EVENT_COLUMNS} FROM ${t} AS t WHERE status = 'MANUAL_REVIEW_REQUIRED' ORDER BY updated_at, id`,
    requeue:
      `WITH up AS (UPDATE ${t} SET status = 'PENDING', attempts = 0, next_attempt_at = now(), ` +
      `lease_owner = NULL, lease_expires_at = NULL, updated_at = now() ` +
      `WHERE id = $1 AND status = 'MANUAL_REVIEW_REQUIRED' RETURNING type) ` +
      `SELECT type, pg_notify('${channel}', '') FROM up`,
  };
}
