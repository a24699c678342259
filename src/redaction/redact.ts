/**
 * Removes secrets from text that may reach a response or a log: credentials inside URLs
 * (`redis://user:pass@host` → `redis://***@host`), bearer tokens, `password=` style pairs, and
 * stack frames.
 *
 * @example
 * redact('connect redis://app:s3cret@db:6379 failed'); // 'connect redis://***@db:6379 failed'
 */
export function redact(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@')
    .replace(/\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=-]+/gi, '$1$2***')
    .replace(
      /\b(password|passwd|pwd|secret|token|api[_-]?key|auth)(["']?\s*[=:]\s*["']?)[^\s"'&,;]+/gi,
      '$1$2***',
    )
    .replace(/\n\s+at [^\n]*/g, '');
}

/** A safe, plain description of an error: `{ name, message, cause? }`, every message redacted, no stack. */
export interface SafeError {
  /** The error's name, e.g. `'Error'`, `'TimeoutError'`. */
  name: string;
  /** The error's message, redacted. */
  message: string;
  /** The error's cause, made safe the same way (depth-limited). */
  cause?: SafeError;
}

/** Converts anything thrown into a {@link SafeError} (depth-limited, redacted, stack-free). */
export function toSafeError(err: unknown, depth = 0): SafeError {
  if (err instanceof Error) {
    const out: SafeError = {
      name: redact(String(err.name || 'Error')),
      message: redact(String(err.message)),
    };
    if (err.cause !== undefined && depth < 3) out.cause = toSafeError(err.cause, depth + 1);
    return out;
  }
  if (typeof err === 'string') return { name: 'Error', message: redact(err) };
  let text: string;
  try {
    text = typeof err === 'object' && err !== null ? JSON.stringify(err) : String(err);
  } catch {
    text = Object.prototype.toString.call(err);
  }
  return { name: 'NonError', message: redact(String(text).slice(0, 500)) };
}
