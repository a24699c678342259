import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Express } from 'express';
import { HealthAnswers } from '../../middleware/HealthAnswers';
import { resolveHealthOptions } from '../../middleware/healthOptions';
import type { HealthSource } from '../../middleware/managerView';

/**
 * A PROTOTYPE, not part of statuskit: what `/healthcheck` would cost answered the way terminus
 * answers its probes — from the server's `request` listener, before Express — with statuskit's own
 * pre-serialised answer. It quantifies the fix for the missed health-route target (see
 * bench/README.md); only the plain `/healthcheck` (GET/HEAD, no `Accept: application/health+json`)
 * takes the fast path, everything else goes to the Express app.
 */
export function serverWithHealthFastPath(app: Express, manager: HealthSource): Server {
  const answers = new HealthAnswers(manager, resolveHealthOptions(undefined, manager.appName));
  return createServer(function statuskitHealthFastPath(req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? '';
    const path = url.length > 12 && (url[12] === '?' || url[12] === '/') ? url.slice(0, 12) : url;
    if (
      path === '/healthcheck' &&
      (req.method === 'GET' || req.method === 'HEAD') &&
      !(req.headers.accept ?? '').includes('application/health+json')
    ) {
      const a = answers.summary();
      res.statusCode = a.statusCode;
      res.setHeader('Content-Type', a.contentType);
      res.setHeader('Content-Length', a.body.length);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Vary', 'Accept');
      res.end(a.body);
      return;
    }
    app(req, res);
  });
}
