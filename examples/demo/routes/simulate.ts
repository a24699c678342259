import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { safeEqual } from 'statuskit';
import { SIMULATED_MODES, type SimulatedMode, type SimulatedService } from '../SimulatedService';
import type { ServiceName, Services } from '../services';

/**
 * `GET /admin/simulate` and `PUT /admin/simulate/:service` with `{ "mode": "ok" | "slow" | "failing" }`:
 * break and repair the simulated dependencies at run time. Guarded by the demo's bearer token.
 */
export function simulateRoutes(services: Services, token: string): Router {
  const router = Router();
  const guard = (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('authorization') ?? '';
    const given = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (given === undefined)
      res.status(401).json({ error: 'unauthorized', message: 'Authorization: Bearer <token> required' });
    else if (!safeEqual(given, token)) res.status(403).json({ error: 'forbidden', message: 'wrong token' });
    else next();
  };
  const view = () =>
    Object.fromEntries(
      (Object.entries(services) as [string, SimulatedService][]).map(([name, s]) => [
        name,
        { mode: s.mode, calls: s.calls },
      ]),
    );

  router.get('/simulate', guard, (_req, res) => {
    res.json(view());
  });
  router.put(
    '/simulate/:service',
    guard,
    express.json({ limit: '1kb' }),
    (req: Request<{ service: string }>, res: Response) => {
      const name = req.params.service;
      const mode = (req.body as { mode?: unknown } | undefined)?.mode;
      if (!Object.prototype.hasOwnProperty.call(services, name)) {
        res.status(404).json({
          error: 'not_found',
          message: `no simulated service "${name}"`,
          services: Object.keys(services),
        });
        return;
      }
      if (!SIMULATED_MODES.includes(mode as SimulatedMode)) {
        res
          .status(400)
          .json({ error: 'bad_request', message: `mode must be one of ${SIMULATED_MODES.join(', ')}` });
        return;
      }
      services[name as ServiceName].mode = mode as SimulatedMode;
      res.json(view());
    },
  );
  router.use(
    (err: { status?: number; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
      res.status(status).json({ error: 'bad_request', message: 'invalid JSON body' });
    },
  );
  return router;
}
