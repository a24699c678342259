import type { CheckOutcome, Dependency, DependencyOptions } from '../src/dependencies/Dependency';
import { ConfigError } from '../src/errors/ConfigError';
import { TimeoutError } from '../src/errors/TimeoutError';
import type { CheckStatus } from '../src/status/CheckStatus';
import { assertOptions, optionalNumber } from '../src/validation/assert';
import { connectBounded, heldQuery } from '../src/outbox/postgres/boundedQuery';
import { isPgPool, type PgPool } from '../src/outbox/postgres/PgLike';
import { describeNetError } from './shared/describeNetError';
import { resolveCheckBase, roundMs, toDependency } from './shared/resolveCheckBase';

/** Options of {@link postgresCheck}: every `Dependency` field, and the pool-pressure thresholds. */
export interface PostgresCheckOptions extends DependencyOptions {
  /** @default 'postgres' */
  id?: string;
  /** @default 'postgres' */
  type?: string;
  /** Getting a client from the pool took longer than this → MINOR. @default 100 */
  acquireMinorMs?: number;
  /** … longer than this → MAJOR (requests are queueing for connections). @default 1000 */
  acquireMajorMs?: number;
  /** At least this many callers waiting for a client (`pool.waitingCount`) → MINOR. @default 5 */
  waitingMinor?: number;
  /** At least this many waiting → MAJOR. @default 20 */
  waitingMajor?: number;
}

/** Defaults of {@link PostgresCheckOptions} beyond the `Dependency` ones. */
export const POSTGRES_CHECK_DEFAULTS = Object.freeze({
  id: 'postgres',
  type: 'postgres',
  acquireMinorMs: 100,
  acquireMajorMs: 1000,
  waitingMinor: 5,
  waitingMajor: 20,
});

const RANK: Record<CheckStatus, number> = { OK: 0, MINOR: 1, MAJOR: 2, OUTAGE: 3 };

/**
 * A dependency that runs `SELECT 1` on a client of your `pg` `Pool`.
 *
 * The whole run (waiting for a client included) is bounded by `timeoutMs` (default 2000): past it
 * the query is cancelled on the server and its connection destroyed, so a frozen server never keeps
 * a pool client for good. It answers OUTAGE when PostgreSQL cannot be reached or does not answer in
 * time; MINOR / MAJOR when the pool is under pressure — getting a client took longer than
 * `acquireMinorMs` / `acquireMajorMs`, or `waitingMinor` / `waitingMajor` callers were waiting for
 * one; else OK. `observedValue` is the `SELECT 1` round trip in ms. Messages never contain the
 * password.
 *
 * @example
 * manager.register(postgresCheck(pool, { urgency: 'STRONG', timeoutMs: 1000 }));
 */
export function postgresCheck(pool: PgPool, opts: PostgresCheckOptions = {}): Dependency {
  if (!isPgPool(pool)) throw new ConfigError('pool', pool, 'a pg Pool');
  const o = assertOptions<PostgresCheckOptions>('options', opts);
  const { acquireMinorMs, acquireMajorMs, waitingMinor, waitingMajor, ...rest } = o;
  const d = POSTGRES_CHECK_DEFAULTS;
  const num = (name: string, v: unknown, fallback: number, min = 0): number =>
    optionalNumber(name, v, fallback, { min, integer: true });
  const acquireMinor = num('acquireMinorMs', acquireMinorMs, d.acquireMinorMs);
  const acquireMajor = num(
    'acquireMajorMs',
    acquireMajorMs,
    Math.max(d.acquireMajorMs, acquireMinor),
    acquireMinor,
  );
  const waitMinor = num('waitingMinor', waitingMinor, d.waitingMinor, 1);
  const waitMajor = num('waitingMajor', waitingMajor, Math.max(d.waitingMajor, waitMinor), waitMinor);
  const base = resolveCheckBase(rest, { id: d.id, type: d.type, description: describePool(pool) });
  const timeoutMs = base.timeoutMs > 0 ? base.timeoutMs : 2000;

  const check = async (): Promise<CheckOutcome> => {
    const waiting = pool.waitingCount;
    const started = performance.now();
    let acquiredIn: number;
    let latency: number;
    try {
      const client = await connectBounded(pool, timeoutMs, 'PostgreSQL connect');
      acquiredIn = performance.now() - started;
      const left = Math.max(1, Math.round(timeoutMs - acquiredIn));
      const t = performance.now();
      await heldQuery(pool, client, { text: 'SELECT 1' }, left, 'SELECT 1', true, timeoutMs);
      latency = performance.now() - t;
    } catch (err) {
      if (err instanceof TimeoutError) {
        return {
          status: 'OUTAGE',
          message: `PostgreSQL did not answer within ${timeoutMs} ms (${waiting} waiting for the pool)`,
        };
      }
      return { status: 'OUTAGE', message: `PostgreSQL unreachable: ${describeNetError(err)}` };
    }
    const byAcquire: CheckStatus =
      acquiredIn > acquireMajor ? 'MAJOR' : acquiredIn > acquireMinor ? 'MINOR' : 'OK';
    const byWaiting: CheckStatus = waiting >= waitMajor ? 'MAJOR' : waiting >= waitMinor ? 'MINOR' : 'OK';
    const status = RANK[byAcquire] >= RANK[byWaiting] ? byAcquire : byWaiting;
    let message = `SELECT 1 in ${roundMs(latency)} ms; pool client in ${roundMs(acquiredIn)} ms, ${waiting} waiting`;
    if (byAcquire !== 'OK')
      message += ` (acquire over ${byAcquire === 'MAJOR' ? acquireMajor : acquireMinor} ms)`;
    if (byWaiting !== 'OK')
      message += ` (${waiting} waiting ≥ ${byWaiting === 'MAJOR' ? waitMajor : waitMinor})`;
    return { status, message, observedValue: roundMs(latency), observedUnit: 'ms' };
  };
  return toDependency(base, check);
}

/** `PostgreSQL at host:port/database`, from the pool's options: never the password. */
function describePool(pool: PgPool): string {
  const options = (
    pool as { options?: { host?: unknown; port?: unknown; database?: unknown; connectionString?: unknown } }
  ).options;
  let host = typeof options?.host === 'string' ? options.host : undefined;
  let port =
    typeof options?.port === 'number' || typeof options?.port === 'string' ? String(options.port) : undefined;
  let db = typeof options?.database === 'string' ? options.database : undefined;
  if (typeof options?.connectionString === 'string') {
    try {
      const url = new URL(options.connectionString);
      host ??= url.hostname;
      port ??= url.port || undefined;
      db ??= url.pathname.replace(/^\//, '') || undefined;
    } catch {
      // Not a URL (a libpq key=value string): leave the description generic.
    }
  }
  if (!host) return 'PostgreSQL';
  return `PostgreSQL at ${host}:${port ?? 5432}${db ? `/${db}` : ''}`;
}
