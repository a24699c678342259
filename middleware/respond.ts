import type { Request, Response } from 'express';
import { HEALTH_JSON_TYPE } from './healthJson';
import type { PreparedAnswer } from './HealthAnswers';
import { writePrepared } from './probeAnswers';
import { STATUS_PAGE_CSP } from './statusPage';

export { textAnswer } from './probeAnswers';

/** {@link writePrepared} for an Express response. */
export const sendPrepared: (res: Response, answer: PreparedAnswer) => void = writePrepared;

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
