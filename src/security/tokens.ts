import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time string comparison: both sides are hashed to a fixed length first, so neither the
 * content nor the length of the secret leaks through timing.
 */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** The token of an `Authorization: Bearer <token>` header value, or `undefined`. */
export function bearerToken(header: string | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
  return m ? m[1] : undefined;
}
