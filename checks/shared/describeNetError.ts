import { redact } from '../../src/redaction/redact';

/** Plain words for the network error codes a check meets most. */
const WORDS: Readonly<Record<string, string>> = Object.freeze({
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'connection closed while writing',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  EADDRNOTAVAIL: 'address not available',
  ECONNABORTED: 'connection aborted',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate chain cannot be verified',
});

/**
 * A short, redacted description of a network error, e.g.
 * `'connection refused (connect ECONNREFUSED 127.0.0.1:6379)'`. Never includes a stack.
 */
export function describeNetError(err: unknown): string {
  // Duck-typed, not `instanceof Error`: errors from another realm (a vm context, jest) count too.
  if (typeof err !== 'object' || err === null || typeof (err as Error).message !== 'string') {
    return redact(String(err));
  }
  const { code, message } = err as NodeJS.ErrnoException;
  const words = typeof code === 'string' ? WORDS[code] : undefined;
  const detail = redact(message);
  return words === undefined ? detail : `${words} (${detail})`;
}
