import type { Request } from 'express';
import { HEALTH_JSON_TYPE } from './buildHealthJson';

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
