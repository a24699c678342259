import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { TimeoutError } from '../../src/errors/TimeoutError';
import { readiness, waitForFirstReady } from '../../src/redis/clientReadiness';
import { withTimeout } from '../../src/timing/withTimeout';
import { describeNetError } from '../shared/describeNetError';
import { roundMs } from '../shared/resolveCheckBase';
import { describeRedisState } from './describeRedisState';

/** One node's answer: the PONG latency, or why there was none (a clause to follow the node's name). */
export type PingResult = { ok: true; latencyMs: number } | { ok: false; reason: string };

/** After this long an unanswered PING is forgotten and a new one may be sent. */
const IN_FLIGHT_LIMIT_MS = 60_000;

interface InFlight {
  promise: Promise<unknown>;
  sentAt: number;
}

/**
 * Sends PING to ioredis `Redis` connections without ever waiting on ioredis's offline queue: a
 * connection that is not `ready` is answered at once with the reason; a ready one is bounded by
 * the timeout and the run's signal. While a PING is still unanswered on a connection (a frozen
 * server) the next run waits on that same PING instead of queueing another one, so a long freeze
 * leaves at most one PING per connection (per minute) behind us.
 */
export class RedisPinger {
  private readonly inFlight = new WeakMap<Redis, InFlight>();

  constructor(readonly timeoutMs: number) {}

  /** PINGs `node`; never rejects, settles within the timeout (or the signal) plus a tick. */
  async ping(node: Redis, signal: AbortSignal): Promise<PingResult> {
    const started = performance.now();
    let stage = 'connect';
    try {
      // A Cluster connects to its nodes lazily; a bounded connect is not the offline queue.
      if (node.status === 'wait') await withTimeout(() => node.connect(), this.timeoutMs, stage, signal);
      // A client never ready yet (its first connect in progress) is waited for, within the bound;
      // one that was ready and lost its connection is reported at once.
      // The wait stops well before the check's own timeout, so the outcome can say why.
      const waitMs = Math.max(1, Math.floor(this.timeoutMs / 2));
      const starting = node.status !== 'ready' && readiness(node) === 'starting';
      if (starting) await waitForFirstReady(node, waitMs, signal);
      if (node.status !== 'ready') {
        if (starting && signal.aborted)
          return { ok: false, reason: describeFailure(null, stage, node, signal) };
        const waited = starting ? ` after waiting ${waitMs} ms for its first connection` : '';
        return { ok: false, reason: `is ${describeRedisState(node)}${waited}; PING not sent` };
      }
      stage = 'PING';
      const leftMs = Math.max(1, this.timeoutMs - (performance.now() - started));
      await withTimeout(() => this.send(node), Math.round(leftMs), stage, signal);
      return { ok: true, latencyMs: roundMs(performance.now() - started) };
    } catch (err) {
      return { ok: false, reason: describeFailure(err, stage, node, signal) };
    }
  }

  private send(node: Redis): Promise<unknown> {
    const now = performance.now();
    const pending = this.inFlight.get(node);
    if (pending && now - pending.sentAt < IN_FLIGHT_LIMIT_MS) return pending.promise;
    const promise = node.ping();
    const entry = { promise, sentAt: now };
    this.inFlight.set(node, entry);
    const forget = (): void => {
      if (this.inFlight.get(node) === entry) this.inFlight.delete(node);
    };
    promise.then(forget, forget);
    return promise;
  }
}

function describeFailure(err: unknown, stage: string, node: Redis, signal: AbortSignal): string {
  const what = stage === 'PING' ? 'answer PING' : 'finish connecting';
  if (signal.aborted) return `did not ${what} before the run was aborted`;
  if (err instanceof TimeoutError) {
    return `did not ${what} within ${err.timeoutMs} ms (server frozen, overloaded or network stalled)`;
  }
  if (node.status !== 'ready') return `is ${describeRedisState(node)} (${describeNetError(err)})`;
  return `failed the ${stage}: ${describeNetError(err)}`;
}
