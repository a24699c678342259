import type { Request, Response } from 'express';
import { HEALTH_JSON_TYPE } from './healthJson';
import type { PreparedAnswer } from './HealthAnswers';
import { STATUS_PAGE_CSP } from './statusPage';

/**
 * Writes a prepared answer with `Cache-Control: no-store`. `res.end(body)` on a HEAD request sends
 * the headers (with the GET body's `Content-Length`) and no body: Node drops it.
 */
export function sendPrepared(res: Response, answer: PreparedAnswer): void {
  res.statusCode = answer.statusCode;
  res.setHeader('Content-Type', answer.contentType);
  res.setHeader('Content-Length', answer.body.length);
  res.setHeader('Cache-Control', 'no-store');
  res.end(answer.body);
}

/** Writes the HTML status page with its strict Content-Security-Policy. */
export function sendHtml(res: Response, statusCode: number, html: string): void {
  const body = Buffer.from(html);
  res.statusCode = statusCode;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', STATUS_PAGE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Vary', 'Accept');
  res.end(body);
}

/** A plain-text answer, serialised once. */
export function textAnswer(statusCode: number, text: string): PreparedAnswer {
  return { statusCode, contentType: 'text/plain; charset=utf-8', body: Buffer.from(text) };
}

/** `true` when the client prefers `text/html` over JSON (a browser). */
export function wantsHtml(req: Request): boolean {
  const accept = req.headers.accept;
  // The substring test keeps the common case (no Accept, `*/*`, JSON) free of negotiation.
  return (
    accept !== undefined &&
    accept.includes('text/html') &&
    req.accepts(['application/json', 'text/html']) === 'text/html'
  );
}

/** `true` when the client asks for the IETF `application/health+json` document. */
export function wantsHealthJson(req: Request): boolean {
  const accept = req.headers.accept;
  return (
    accept !== undefined &&
    accept.includes(HEALTH_JSON_TYPE) &&
    req.accepts(['application/json', HEALTH_JSON_TYPE]) === HEALTH_JSON_TYPE
  );
}
