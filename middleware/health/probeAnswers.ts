import type { ServerResponse } from 'node:http';
import type { PreparedAnswer } from './HealthAnswers';
import type { HealthSource } from '../HealthSource';

/** One prepared plain-text answer, serialised once. */
export function textAnswer(statusCode: number, text: string): PreparedAnswer {
  return { statusCode, contentType: 'text/plain; charset=utf-8', body: Buffer.from(text) };
}

/** `/livez`: the process serves; never touches a dependency. */
export const LIVE = textAnswer(200, 'ok');
const READY = textAnswer(200, 'ok');
const STARTING = textAnswer(503, 'not ready: first round of checks running');
const DRAINING = textAnswer(503, 'not ready: draining');
const OUTAGE = textAnswer(503, 'not ready: OUTAGE');

/** `/readyz`: 503 before the first round, while draining and on OUTAGE; else 200. Three field reads. */
export function readinessAnswer(manager: HealthSource): PreparedAnswer {
  if (!manager.ready) return STARTING;
  if (manager.draining) return DRAINING;
  return manager.systemStatus === 'OUTAGE' ? OUTAGE : READY;
}

/**
 * Writes a prepared answer with `Cache-Control: no-store`. `res.end(body)` on a HEAD request sends
 * the headers (with the GET body's `Content-Length`) and no body: Node drops it.
 */
export function writePrepared(res: ServerResponse, answer: PreparedAnswer): void {
  res.statusCode = answer.statusCode;
  res.setHeader('Content-Type', answer.contentType);
  res.setHeader('Content-Length', answer.body.length);
  res.setHeader('Cache-Control', 'no-store');
  res.end(answer.body);
}
