import express, {
  Router,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { Logger } from 'pino';
import { ConfigError } from '../../src/errors/ConfigError';
import { isStatuskitError } from '../../src/errors/StatuskitError';
import { FeatureFlags } from '../../src/flags/FeatureFlags';
import { isValidFlagKey } from '../../src/flags/Flag';
import { resolveLogger } from '../../src/logging/resolveLogger';
import { redact, toSafeError } from '../../src/redaction/redact';
import { bearerToken, safeEqual } from '../../src/security/tokens';
import { assertOptions } from '../../src/validation/assert';
import {
  actorOf,
  allFlagViews,
  FLAGS_ADMIN_BODY_LIMIT,
  flagsAdminErrorHandler,
  flagView,
  parseFlagBody,
  sendError,
} from './flagsAdminRequest';

/** Options of `flagsAdmin(flags, opts)`. */
export interface FlagsAdminOptions {
  /** Bearer token every call must carry: 16–512 printable ASCII characters, no spaces. Required. */
  token: string;
  /** pino logger for the audit line of each change; logs through `logger.child({ component: 'flags-admin' })`. @default a silent logger */
  logger?: Logger;
}

/** Accepted admin tokens: 16–512 printable ASCII characters without spaces. */
export const ADMIN_TOKEN_PATTERN = /^[\x21-\x7e]{16,512}$/;

/**
 * The flags admin API as an Express Router: `GET /flags`, `GET /flags/:key`,
 * `PUT /flags/:key` with JSON `{ enabled: boolean, description?: string }` (≤ 4 KB; other fields
 * are rejected). Every call needs `Authorization: Bearer <token>` (compared in constant time):
 * none → 401, wrong → 403. A bad key, header or body → 400, a body over 4 KB → 413, an unknown
 * flag → 404, the store unreachable or its client not ready → 503: always JSON `{ error, message }`,
 * and nothing changes. A write sent but not answered in time (a frozen Redis) → 504
 * `{ error: 'outcome_unknown' }`: it may still land; the attempt is logged as unknown and
 * `FeatureFlags` logs the real outcome once Redis answers.
 * The actor is the `X-Statuskit-Actor` header, else `'admin-api'`; each change is logged.
 *
 * @example
 * app.use('/admin', flagsAdmin(flags, { token: process.env.STATUSKIT_TOKEN!, logger }));
 * // curl -X PUT -H "Authorization: Bearer $T" -H 'Content-Type: application/json' \
 * //      -d '{"enabled":false}' localhost:3000/admin/flags/partner-api.enabled
 */
export function flagsAdmin(flags: FeatureFlags, opts: FlagsAdminOptions): Router {
  if (!(flags instanceof FeatureFlags)) throw new ConfigError('flags', flags, 'a FeatureFlags instance');
  const o = assertOptions<FlagsAdminOptions>('options', opts);
  if (typeof o.token !== 'string' || !ADMIN_TOKEN_PATTERN.test(o.token)) {
    throw new ConfigError(
      'token',
      o.token === undefined ? undefined : '***',
      '16–512 printable ASCII characters, no spaces',
    );
  }
  const token = o.token;
  const logger = resolveLogger(o.logger, 'flags-admin');
  const parseJson = express.json({ limit: FLAGS_ADMIN_BODY_LIMIT, strict: true });

  const router = Router();
  router.use('/flags', function statuskitFlagsAuth(req: Request, res: Response, next: NextFunction) {
    res.set('Cache-Control', 'no-store');
    const given = bearerToken(req.get('authorization'));
    if (given === undefined) {
      res.set('WWW-Authenticate', 'Bearer realm="statuskit"');
      return sendError(res, 401, 'unauthorized', 'Authorization: Bearer <token> required');
    }
    if (!safeEqual(given, token)) return sendError(res, 403, 'forbidden', 'invalid token');
    next();
  });
  router.get('/flags', (_req, res) => {
    res.json({ flags: allFlagViews(flags), stale: flags.stale, lastSyncAt: flags.lastSyncAt || null });
  });
  router.get('/flags/:key', validKey, (req, res) => {
    const view = flagView(flags, req.params.key as string);
    if (!view) return sendError(res, 404, 'not_found', 'no such flag');
    res.json(view);
  });
  router.put('/flags/:key', validKey, requireJson, parseJson, putFlag(flags, logger));
  router.all('/flags', methodNotAllowed('GET, HEAD'));
  router.all('/flags/:key', methodNotAllowed('GET, HEAD, PUT'));
  router.use('/flags', (_req, res) => sendError(res, 404, 'not_found', 'no such route'));
  router.use('/flags', flagsAdminErrorHandler(logger));
  return router;
}

function validKey(req: Request, res: Response, next: NextFunction): void {
  if (isValidFlagKey(req.params.key)) return next();
  sendError(
    res,
    400,
    'bad_request',
    'flag keys are 1–128 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit',
  );
}

function requireJson(req: Request, res: Response, next: NextFunction): void {
  if (req.is('application/json')) return next();
  sendError(res, 400, 'bad_request', 'Content-Type must be application/json');
}

function methodNotAllowed(allow: string): RequestHandler {
  return (_req, res) => {
    res.set('Allow', allow);
    sendError(res, 405, 'method_not_allowed', `allowed: ${allow}`);
  };
}

function putFlag(flags: FeatureFlags, logger: Logger): RequestHandler {
  return async function statuskitPutFlag(req: Request, res: Response) {
    const key = req.params.key as string;
    const actor = actorOf(req);
    if (actor === undefined) {
      return sendError(res, 400, 'bad_request', 'X-Statuskit-Actor must be 1–128 printable ASCII characters');
    }
    const body = parseFlagBody(req.body);
    if (typeof body === 'string') return sendError(res, 400, 'bad_request', body);
    const before = flags.get(key);
    try {
      const flag = await flags.set(key, body.enabled, { description: body.description, actor });
      logger.info(
        { key, actor, from: before ? before.enabled : null, to: flag.enabled, ip: req.ip },
        'flag set through the admin API',
      );
      res.json(flagView(flags, key) ?? { ...flag, source: 'store' });
    } catch (err) {
      if (isStatuskitError(err, 'ERR_STATUSKIT_OUTCOME_UNKNOWN')) {
        const from = before ? before.enabled : null;
        logger.warn(
          { key, actor, from, intended: body.enabled, outcome: 'unknown', ip: req.ip, err: toSafeError(err) },
          'flag change through the admin API: outcome unknown',
        );
        const message = `${redact(err.message)}; read the flag again once Redis answers`;
        return sendError(res, 504, 'outcome_unknown', message);
      }
      logger.warn({ key, actor, err: toSafeError(err) }, 'flag change through the admin API failed');
      if (isStatuskitError(err, 'ERR_STATUSKIT_CONFIG'))
        return sendError(res, 400, 'bad_request', redact(err.message));
      const message = err instanceof Error ? redact(err.message) : 'flag store unavailable';
      sendError(res, 503, 'flag_store_unavailable', `flag not changed: ${message}`);
    }
  };
}
