import type { ServerResponse } from 'node:http';
import type { CheckStatus } from '../../src/status/CheckStatus';
import type { PreparedAnswer } from './HealthAnswers';
import type { HealthSource } from '../HealthSource';

/** One prepared plain-text answer, serialised once. */
export function textAnswer(statusCode: number, text: string): PreparedAnswer {
  return { statusCode, contentType: 'text/plain; charset=utf-8', body: Buffer.from(text) };
}

/**
 * Whether an answer with this status code, given while the system is in `status`, carries
 * `x-envoy-degraded` (with the `degradedHeader` option): a 2xx answer while the system is not `OK`.
 * Envoy only looks at the header on an answer it counts as healthy, and a 5xx already takes the
 * host out, so the header never rides on one.
 */
export function isDegradedAnswer(statusCode: number, status: CheckStatus): boolean {
  return statusCode >= 200 && statusCode < 300 && status !== 'OK';
}

/** The same answer, marked to carry `x-envoy-degraded: true` when `degraded`. */
export function markDegraded(answer: PreparedAnswer, degraded: boolean): PreparedAnswer {
  return degraded ? { ...answer, degraded: true } : answer;
}

/** `/livez`: the process serves; never touches a dependency. */
export const LIVE = textAnswer(200, 'ok');
const READY = textAnswer(200, 'ok');
const READY_DEGRADED = markDegraded(READY, true);
const STARTING = textAnswer(503, 'not ready: first round of checks running');
const DRAINING = textAnswer(503, 'not ready: draining');
const OUTAGE = textAnswer(503, 'not ready: OUTAGE');

/**
 * `/readyz`: 503 before the first round, while draining and on OUTAGE; else 200, marked degraded
 * while MINOR or MAJOR when `degradedHeader`. A few field reads.
 */
export function readinessAnswer(manager: HealthSource, degradedHeader = false): PreparedAnswer {
  if (!manager.ready) return STARTING;
  if (manager.draining) return DRAINING;
  const status = manager.systemStatus;
  if (status === 'OUTAGE') return OUTAGE;
  return degradedHeader && status !== 'OK' ? READY_DEGRADED : READY;
}

const STARTED = textAnswer(200, 'ok');
const STARTING_UP = textAnswer(503, 'not started: first round of checks running');

/** Managers whose first round of checks has finished at least once (weakly held). */
const startedUp = new WeakSet<object>();
/** Managers with our one `'ready'` listener, so many routers on one manager add one listener. */
const watched = new WeakSet<object>();

/**
 * Starts remembering when `manager` finishes its first round, so `/startupz` stays 200 even if
 * nobody asked while it was ready (a `stop()` clears `ready`). Called once per adapter; adds at
 * most one `'ready'` listener per manager, removed when it fires.
 */
export function watchStartup(manager: HealthSource): void {
  if (manager.ready) {
    startedUp.add(manager);
    return;
  }
  const once = (manager as { once?: unknown }).once;
  if (typeof once !== 'function' || watched.has(manager)) return;
  watched.add(manager);
  (once as (event: 'ready', listener: () => void) => unknown).call(manager, 'ready', () => {
    startedUp.add(manager);
  });
}

/**
 * `/startupz`: 503 until the manager's first round of checks has finished, then 200 for good, even
 * if checks fail, the service drains or the manager is stopped and started again: a Kubernetes
 * `startupProbe` asks only whether start-up is over. One set lookup once started.
 */
export function startupAnswer(manager: HealthSource): PreparedAnswer {
  if (startedUp.has(manager)) return STARTED;
  if (!manager.ready) return STARTING_UP;
  startedUp.add(manager);
  return STARTED;
}

/**
 * Writes a prepared answer with `Cache-Control: no-store` (and `x-envoy-degraded: true` when the
 * answer is marked so). `res.end(body)` on a HEAD request sends the headers (with the GET body's
 * `Content-Length`) and no body: Node drops it.
 */
export function writePrepared(res: ServerResponse, answer: PreparedAnswer): void {
  res.statusCode = answer.statusCode;
  res.setHeader('Content-Type', answer.contentType);
  res.setHeader('Content-Length', answer.body.length);
  res.setHeader('Cache-Control', 'no-store');
  if (answer.degraded === true) res.setHeader('x-envoy-degraded', 'true');
  res.end(answer.body);
}
