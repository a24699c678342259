import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Logger } from 'pino';
import { FeatureFlags } from '../../src/flags/FeatureFlags';
import { MAX_ACTOR_LENGTH, MAX_DESCRIPTION_LENGTH } from '../../src/flags/Flag';
import { toSafeError } from '../../src/redaction/redact';

/** Largest accepted `PUT /flags/:key` body, in bytes. */
export const FLAGS_ADMIN_BODY_LIMIT = 4096;

/** The actor recorded when a request carries no `X-Statuskit-Actor` header. */
export const DEFAULT_ADMIN_ACTOR = 'admin-api';

/** One flag as the admin API shows it: stored, or known only from `defaults`. */
export interface FlagView {
  /** The flag's key. */
  key: string;
  /** What `isEnabled(key)` answers now. */
  enabled: boolean;
  /** The stored description; `''` for a default. */
  description: string;
  /** Epoch ms of the last change; `null` for a default. */
  updatedAt: number | null;
  /** Who last changed it; `null` for a default. */
  updatedBy: string | null;
  /** `'store'` for a stored flag, `'default'` for one only `defaults` know. */
  source: 'store' | 'default';
}

/** A validated `PUT /flags/:key` body. */
export interface FlagBody {
  enabled: boolean;
  description?: string;
}

const ALLOWED_FIELDS = new Set(['enabled', 'description']);
const ACTOR_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** The flag's view, or `undefined` when neither the store nor `defaults` know `key`. */
export function flagView(flags: FeatureFlags, key: string): FlagView | undefined {
  const flag = flags.get(key);
  if (flag) return { ...flag, source: 'store' };
  const enabled = flags.defaults[key];
  if (enabled === undefined) return undefined;
  return { key, enabled, description: '', updatedAt: null, updatedBy: null, source: 'default' };
}

/** Every stored flag and every default, sorted by key. */
export function allFlagViews(flags: FeatureFlags): FlagView[] {
  const keys = new Set([...flags.list().map((f) => f.key), ...Object.keys(flags.defaults)]);
  return [...keys].sort().map((k) => flagView(flags, k)!);
}

/** Validates a parsed body; returns it typed, or a message saying what is wrong. Unknown fields are rejected. */
export function parseFlagBody(body: unknown): FlagBody | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'body must be a JSON object like {"enabled": true, "description": "..."}';
  }
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !ALLOWED_FIELDS.has(k));
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40)));
    return `unknown field${unknown.length > 1 ? 's' : ''} ${names.join(', ')}: only "enabled" and "description" are accepted`;
  }
  if (typeof b.enabled !== 'boolean') return '"enabled" must be a boolean';
  if (b.description === undefined) return { enabled: b.enabled };
  if (
    typeof b.description !== 'string' ||
    b.description.length > MAX_DESCRIPTION_LENGTH ||
    /\p{Cs}/u.test(b.description)
  ) {
    return `"description" must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`;
  }
  return { enabled: b.enabled, description: b.description };
}

/** The actor named by `X-Statuskit-Actor`, `'admin-api'` without one, or `undefined` when it is malformed. */
export function actorOf(req: Request): string | undefined {
  const header = req.get('x-statuskit-actor');
  if (header === undefined) return DEFAULT_ADMIN_ACTOR;
  return header.length <= MAX_ACTOR_LENGTH && ACTOR_PATTERN.test(header) ? header : undefined;
}

/** Answers `{ error, message }` with `status`, never cached. */
export function sendError(res: Response, status: number, error: string, message: string): void {
  res.status(status).set('Cache-Control', 'no-store').json({ error, message });
}

const BODY_ERRORS: Record<string, [number, string, string]> = {
  'entity.too.large': [413, 'payload_too_large', `request body exceeds ${FLAGS_ADMIN_BODY_LIMIT} bytes`],
  'entity.parse.failed': [400, 'bad_request', 'malformed JSON body'],
  'entity.verify.failed': [400, 'bad_request', 'malformed JSON body'],
  'request.aborted': [400, 'bad_request', 'request body aborted'],
  'request.size.invalid': [400, 'bad_request', 'request body size does not match Content-Length'],
  'encoding.unsupported': [415, 'unsupported_media_type', 'unsupported Content-Encoding'],
  'charset.unsupported': [415, 'unsupported_media_type', 'unsupported charset'],
};

/**
 * Turns body-parser and URL-decoding errors into JSON 4xx answers (never a stack trace) and
 * anything else into a logged 500.
 */
export function flagsAdminErrorHandler(logger: Logger): ErrorRequestHandler {
  return function statuskitFlagsAdminErrors(err: unknown, _req, res, next) {
    if (res.headersSent) return next(err);
    const e = (typeof err === 'object' && err !== null ? err : {}) as { type?: unknown; status?: unknown };
    const known = typeof e.type === 'string' ? BODY_ERRORS[e.type] : undefined;
    if (known) return sendError(res, known[0], known[1], known[2]);
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendError(res, e.status, 'bad_request', 'malformed request (check the URL encoding)');
    }
    logger.error({ err: toSafeError(err) }, 'flags admin request failed');
    sendError(res, 500, 'internal_error', 'internal error');
  };
}
