import { Router, type NextFunction, type Request, type Response } from 'express';
import { ConfigError } from '../../src/errors/ConfigError';
import { DEPENDENCY_ID_PATTERN } from '../../src/dependencies/Dependency';
import { HealthAnswers, JSON_TYPE, prepare, type PreparedAnswer } from './HealthAnswers';
import { resolveHealthOptions, type HealthRoutesOptions } from './HealthRoutesOptions';
import type { HealthSource } from '../HealthSource';
import { privateAccessRule, privateGuard } from './privateAccess';
import { wantsHealthJson, wantsHtml } from './negotiation';
import { LIVE, readinessAnswer, startupAnswer, watchStartup, writePrepared } from './probeAnswers';
import { probeOf } from './serveProbesFirst';
import { sendHtml } from './statusPageRenderer';
import type { PreparedPage } from './HealthAnswers';

/** Writes the HTML status page, with `x-envoy-degraded` when it is marked so. */
function writePage(res: Response, page: PreparedPage): void {
  if (page.degraded) res.setHeader('x-envoy-degraded', 'true');
  sendHtml(res, page.statusCode, page.render(Date.now()));
}

const EVALUATION_FAILED = prepare(500, JSON_TYPE, { error: 'evaluation_failed' });

function unknownDependency(id: string): PreparedAnswer {
  // Only ids matching the dependency id pattern are echoed; anything else is not repeated back.
  const message = DEPENDENCY_ID_PATTERN.test(id) ? `no result for dependency "${id}"` : 'no such dependency';
  return prepare(404, JSON_TYPE, { error: 'unknown_dependency', message });
}

function notCheckedYet(id: string): PreparedAnswer {
  return prepare(503, JSON_TYPE, {
    error: 'not_checked_yet',
    message: `dependency "${id}" has no result yet`,
  });
}

function assertManager(manager: unknown): asserts manager is HealthSource {
  const m = manager as Partial<HealthSource> | null;
  if (
    typeof m !== 'object' ||
    m === null ||
    typeof m.snapshot !== 'function' ||
    typeof m.evaluate !== 'function' ||
    typeof m.version !== 'number'
  ) {
    throw new ConfigError('manager', manager, 'a DependencyManager');
  }
}

/**
 * The health routes, answered from the manager's cached snapshot (never waiting on a
 * dependency, except `/healthcheck/live`), GET and HEAD, query string and trailing slash ignored,
 * `Cache-Control: no-store`:
 *
 * - `/healthcheck` — the load balancer's: 200 for OK, MINOR, MAJOR; 503 for OUTAGE or draining;
 *   `application/health+json` (IETF draft-06) on `Accept`.
 * - `/healthcheck/details` — the detailed report, or the HTML status page for a browser (private).
 * - `/healthcheck/live` — the same after running every check now, background ones included
 *   (`manager.evaluateAll()`; runs in flight are shared, each bounded by its timeout) (private).
 * - `/healthcheck/:id` — one dependency's result; 503 when OUTAGE; 404 unknown (private).
 * - `/livez` — 200 `ok` while the process serves. `/readyz` — 503 before the first round of checks
 *   finished, while draining and on OUTAGE. `/startupz` — 503 until the first round of checks
 *   finished, then 200 for good (a Kubernetes `startupProbe`).
 *
 * With `degradedHeader: true`, the 2xx answers of `/healthcheck` (every view) and `/readyz` carry
 * `x-envoy-degraded: true` while the system is MINOR or MAJOR, for Envoy's active health checks.
 *
 * Private views answer loopback clients and `Authorization: Bearer <token>`; others get 401 (token
 * configured) or 404.
 *
 * @example
 * app.use(healthRoutes(manager, { token: process.env.STATUSKIT_TOKEN }));
 */
export function healthRoutes(manager: HealthSource, opts?: HealthRoutesOptions): Router {
  assertManager(manager);
  const o = resolveHealthOptions(opts, manager.appName);
  const answers = new HealthAnswers(manager, o);
  watchStartup(manager);
  const guard = privateGuard(o.token, o.privateAccess);
  const maySeePrivate = privateAccessRule(o.token, o.privateAccess);
  const router = Router();

  router.get('/healthcheck', function statuskitHealthcheck(req: Request, res: Response) {
    if (!wantsHealthJson(req)) {
      res.setHeader('Vary', 'Accept');
      writePrepared(res, answers.summary());
      return;
    }
    // The document's details depend on who asks (loopback, token), not only on Accept.
    res.setHeader('Vary', 'Accept, Authorization');
    writePrepared(res, answers.healthJson(o.publicDetails || maySeePrivate(req)));
  });

  router.get('/healthcheck/details', function statuskitHealthDetails(req: Request, res: Response) {
    if (!guard(req, res)) return;
    if (wantsHtml(req)) {
      writePage(res, answers.page());
      return;
    }
    res.setHeader('Vary', 'Accept');
    writePrepared(res, answers.details());
  });

  router.get('/healthcheck/live', async function statuskitHealthLive(req: Request, res: Response) {
    if (!guard(req, res)) return;
    let answer: PreparedAnswer;
    try {
      const set = await (manager.evaluateAll ? manager.evaluateAll() : manager.evaluate());
      if (wantsHtml(req)) {
        writePage(res, answers.pageOf(set, manager.draining));
        return;
      }
      answer = answers.report(set, manager.draining);
    } catch {
      answer = EVALUATION_FAILED; // never a stack trace, never the error's text
    }
    res.setHeader('Vary', 'Accept');
    writePrepared(res, answer);
  });

  router.get('/healthcheck/:id', function statuskitHealthResult(req: Request, res: Response) {
    if (!guard(req, res)) return;
    const id = String(req.params.id);
    const answer = answers.result(id) ?? (manager.has?.(id) ? notCheckedYet(id) : unknownDependency(id));
    writePrepared(res, answer);
  });

  router.get('/livez', function statuskitLivez(_req: Request, res: Response) {
    writePrepared(res, LIVE);
  });

  router.get('/readyz', function statuskitReadyz(_req: Request, res: Response) {
    writePrepared(res, readinessAnswer(manager, o.degradedHeader));
  });

  router.get('/startupz', function statuskitStartupz(_req: Request, res: Response) {
    writePrepared(res, startupAnswer(manager));
  });

  // A malformed path such as /healthcheck/%zz makes Express's parameter decoding throw a URIError
  // inside this router: answer it here, as JSON, rather than let the app's final handler render
  // the error's name and message (or, outside production, its stack).
  router.use(function statuskitHealthErrors(err: unknown, _req: Request, res: Response, next: NextFunction) {
    if (res.headersSent) return next(err);
    const status = (err as { status?: unknown }).status;
    const clientError = typeof status === 'number' && status >= 400 && status < 500;
    res.setHeader('Cache-Control', 'no-store');
    res
      .status(clientError ? status : 500)
      .json(
        clientError
          ? { error: 'bad_request', message: 'malformed request path' }
          : { error: 'internal_error', message: 'the health report could not be produced' },
      );
  });

  return skipUnlessHealthPath(router);
}

/** `/startupz` (any case, query string, one trailing slash); most other paths fail on the 'z'. */
function isStartupPath(url: string): boolean {
  return (url.charCodeAt(8) | 0x20) === 0x7a && probeOf(url) === 'startupz';
}

/**
 * The hot path: every request of the app passes here first, and most are not health routes.
 * Entering an Express Router costs a few microseconds (its layer stack and `next` machinery), so
 * requests whose path cannot be one of ours (`/healthcheck…`, `/livez`, `/readyz` all start with
 * h, l or r, in any case) skip it with one character test. Many app paths start with s (`/shop`,
 * `/static`), so those enter only when the whole path is `/startupz` (one more character test
 * turns most of them away). The result is still the
 * Router (its methods and stack are reached through the prototype), so callers may still treat it
 * as one.
 */
function skipUnlessHealthPath(router: Router): Router {
  const handle = function statuskitHealthRoutes(req: Request, res: Response, next: NextFunction): void {
    const c = req.url.charCodeAt(1) | 0x20; // lower-case ASCII letter
    if (c === 0x73 ? !isStartupPath(req.url) : c !== 0x68 && c !== 0x6c && c !== 0x72) return next();
    router(req, res, next);
  };
  return Object.setPrototypeOf(handle, router) as Router;
}
