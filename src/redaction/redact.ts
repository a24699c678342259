/** What every redacted value becomes. */
export const REDACTED = '***';

/**
 * The sensitive words a key may be built around (case-insensitive): `password`, `client_secret`,
 * `X-Amz-Signature`, `accessToken`, `x-api-key`. Other segments of the key may sit before the word
 * (`client_`, `X-Amz-`, `access`) or after it behind a separator (`token_hint`), but the word must
 * end at a separator or at the key's end: `tokens`, `tokenizer` and `passwordless` are not keys
 * that hold a secret.
 */
const SENSITIVE_WORD =
  'password|passwd|pwd|secrets?|token|api[_-]?key|apikey|authorization|auth|signature|sig';

/** Env-style keys (upper case) holding any of these anywhere: `AWS_SECRET_ACCESS_KEY`, `STRIPEKEY`. */
const ENV_WORD = 'SECRET|TOKEN|PASSWORD|PASSWD|KEY';

/**
 * A value after `=` or `:`: double-, single- or escaped-double-quoted (spaces included), an
 * unterminated quote (to the end of the line), or a bare run up to whitespace, a quote or a
 * query/list separator. An authorization scheme in front of the credential belongs to the value.
 */
const VALUE =
  '"(?:[^"\\\\\\n]|\\\\.)*"' +
  "|'(?:[^'\\\\\\n]|\\\\.)*'" +
  '|\\\\"(?:[^"\\\\]|\\\\[^"])*\\\\"' +
  '|["\'][^\\n]*' +
  '|(?:(?:[Bb]earer|[Bb]asic|[Tt]oken|[Dd]igest)\\s+)?[^\\s"\'&,;]+';

const KEY_QUOTE = '\\\\?["\']?';
const SEPARATOR = '\\s*[=:]\\s*';

/*
 * Every part of a key is bounded (segments of at most 32 characters, four of them before and after
 * the sensitive word), so no input makes the engine retry a long run from each of its positions:
 * the cost stays linear in the text's length. A match starts at a segment boundary, so one inside
 * a longer key (`a.b.c.d.e.db_password`) masks the value all the same.
 */
const SENSITIVE_PAIR = new RegExp(
  `(?<![A-Za-z0-9])(${KEY_QUOTE}(?:[A-Za-z0-9]{1,32}[_.\\-]){0,4}[A-Za-z0-9]{0,32}?(?:${SENSITIVE_WORD})(?:[_.\\-][A-Za-z0-9]{1,32}){0,4}${KEY_QUOTE}${SEPARATOR})(${VALUE})`,
  'gi',
);

/* Env-style keys are matched from the start of their run only (at most 64 characters long). */
const ENV_PAIR = new RegExp(
  `(?<![A-Za-z0-9_.\\-])(${KEY_QUOTE}[A-Z0-9_]{0,64}?(?:${ENV_WORD})[A-Z0-9_]{0,64}${KEY_QUOTE}${SEPARATOR})(${VALUE})`,
  'g',
);

/**
 * A URL's userinfo, whatever it holds: everything between `scheme://` and the last `@` of the
 * whitespace-free run, so `/`, `@`, `+` or `:` inside a password cannot end it early. The scheme
 * must start its run and both parts are bounded, so a long run without `://` or `@` (a base64
 * blob, a dotted name) costs linear time instead of a rescan from every position.
 */
const URL_USERINFO = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)\S{0,1024}@/gi;

/** `Bearer <credential>` / `Basic <credential>` outside a key-value pair. */
const AUTH_SCHEME = /\b(bearer|basic)(\s+)([A-Za-z0-9._~+/=-]+)/gi;

/**
 * Words that follow "Bearer" in prose ("Bearer token expired"); anything else after it is taken
 * for a credential.
 */
const BEARER_PROSE = new Set([
  'token',
  'tokens',
  'auth',
  'authentication',
  'authorization',
  'credential',
  'credentials',
  'scheme',
  'realm',
  'header',
  'challenge',
  'required',
  'missing',
  'expired',
  'invalid',
]);

const STACK_FRAME = /\n\s+at [^\n]*/g;

function maskValue(value: string): string {
  if (value.startsWith('\\"')) return `\\"${REDACTED}\\"`;
  const q = value[0];
  if (q === '"' || q === "'")
    return value.length > 1 && value.endsWith(q) ? `${q}${REDACTED}${q}` : `${q}${REDACTED}`;
  return REDACTED;
}

function maskPair(_match: string, key: string, value: string): string {
  return key + maskValue(value);
}

function maskScheme(match: string, scheme: string, space: string, credential: string): string {
  // A Basic credential is base64 of `user:password`: never a plain lower-case word ("basic checks").
  const prose =
    scheme.toLowerCase() === 'bearer'
      ? BEARER_PROSE.has(credential.toLowerCase())
      : /^[a-z]+$/.test(credential);
  return prose || credential === REDACTED ? match : `${scheme}${space}${REDACTED}`;
}

/**
 * Removes secrets from text that may reach a response or a log line, and leaves prose alone:
 *
 * - URL userinfo, whatever it contains: `redis://user:p@ss/w+rd@host` → `redis://***@host`;
 * - the value of a sensitive key (`password`, `passwd`, `pwd`, `secret`, `token`, `api_key`,
 *   `apikey`, `access_token`, `refresh_token`, `client_secret`, `authorization`, `auth`,
 *   `X-Amz-Signature`, `sig`, `signature`, and any upper-case env-style key containing `SECRET`,
 *   `TOKEN`, `PASSWORD` or `KEY`) in `k=v`, `k: v`, `"k":"v"` and query-string form, a quoted value
 *   whole, spaces included: `password="correct horse"` → `password="***"`;
 * - `Bearer …` and `Basic …` credentials;
 * - stack frames.
 *
 * A sensitive word without a value ("token refresh failed") is not touched. Redacting twice gives
 * the same text as redacting once.
 *
 * @example
 * redact('connect redis://app:s3cret@db:6379 failed'); // 'connect redis://***@db:6379 failed'
 * redact('token refresh failed for client_secret=cs_8a7b6c'); // 'token refresh failed for client_secret=***'
 */
export function redact(text: string): string {
  return text
    .replace(STACK_FRAME, '')
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(SENSITIVE_PAIR, maskPair)
    .replace(ENV_PAIR, maskPair)
    .replace(AUTH_SCHEME, maskScheme);
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

/** A {@link SafeError} redacted again, level by level (for errors that did not come from {@link toSafeError}). */
export function redactSafeError(err: SafeError, depth = 0): SafeError {
  const out: SafeError = { name: redact(String(err.name)), message: redact(String(err.message)) };
  if (err.cause !== undefined && depth < 3) out.cause = redactSafeError(err.cause, depth + 1);
  return out;
}
