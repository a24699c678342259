import type { Logger } from 'pino';
import type { OutboxMetrics } from '../OutboxMetrics';
import type { SafeError } from '../../redaction/redact';
import { poolQuery } from './boundedQuery';
import type { PgResult } from './PgLike';
import type { ResolvedPostgresOutboxOptions } from './PostgresOutboxOptions';
import type { OutboxSql } from './sql';

/** What the PostgreSQL outbox's parts share. Internal. */
export interface PgOutboxContext<P> {
  readonly opts: ResolvedPostgresOutboxOptions<P>;
  readonly sql: OutboxSql;
  readonly metrics: OutboxMetrics;
  readonly logger: Logger;
}

/** A row as the claim and the review listing return it. */
export interface OutboxRow {
  id: string;
  type: string;
  payload: unknown;
  attempts: number;
  last_error: SafeError | null;
  created_ms: number;
  updated_ms: number;
}

/** One query of ours on a client of the pool, bounded by `queryTimeoutMs` (cancelled past it). */
export function query<R>(
  ctx: PgOutboxContext<unknown>,
  text: string,
  values: unknown[],
  what: string,
): Promise<PgResult<R>> {
  return poolQuery<R>(ctx.opts.pool, { text, values }, ctx.opts.queryTimeoutMs, what);
}
