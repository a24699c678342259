import type { Request, Response } from 'express';
import { bearerToken, safeEqual } from '../../src/security/tokens';

/** `true` for 127.0.0.0/8, `::1` and their IPv4-mapped IPv6 forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (typeof address !== 'string') return false;
  if (address === '::1' || address === '0:0:0:0:0:0:0:1') return true;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * The default private-access rule: the TCP peer (`req.socket.remoteAddress`) is a loopback address.
 * Headers such as `X-Forwarded-For` are never consulted: anyone can send them. Behind a proxy, pass
 * your own rule, e.g. `(req) => isLoopbackAddress(req.ip)` with Express's `trust proxy` set.
 */
export function isLoopbackRequest(req: Request): boolean {
  return isLoopbackAddress(req.socket?.remoteAddress);
}

/** Decides whether a request may see a private view, and answers it when not. */
export type PrivateGuard = (req: Request, res: Response) => boolean;

const UNAUTHORIZED = Buffer.from(
  JSON.stringify({ error: 'unauthorized', message: 'this view needs Authorization: Bearer <token>' }),
);
const NOT_FOUND = Buffer.from(JSON.stringify({ error: 'not_found' }));

function refuse(res: Response, status: number, body: Buffer, challenge: boolean): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.setHeader('Cache-Control', 'no-store');
  if (challenge) res.setHeader('WWW-Authenticate', 'Bearer realm="statuskit"');
  res.end(body);
}

/**
 * The rule of the private views, without answering: `allow(req)` (loopback by default) or a bearer
 * token equal to `token` (constant-time). Views that have a public variant ask it to pick one.
 */
export function privateAccessRule(
  token: string | undefined,
  allow: (req: Request) => boolean,
): (req: Request) => boolean {
  return function statuskitMaySeePrivate(req) {
    if (allow(req)) return true;
    if (token === undefined) return false;
    const given = bearerToken(req.headers.authorization);
    return given !== undefined && safeEqual(given, token);
  };
}

/**
 * Builds the guard of the private views: {@link privateAccessRule} passes; otherwise 401 with a
 * `WWW-Authenticate` challenge when a token is configured, else 404 so the view's existence is not
 * revealed.
 */
export function privateGuard(token: string | undefined, allow: (req: Request) => boolean): PrivateGuard {
  const maySee = privateAccessRule(token, allow);
  return function statuskitPrivateGuard(req, res) {
    if (maySee(req)) return true;
    if (token !== undefined) {
      refuse(res, 401, UNAUTHORIZED, true);
      return false;
    }
    refuse(res, 404, NOT_FOUND, false);
    return false;
  };
}
