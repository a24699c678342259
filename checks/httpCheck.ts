import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { CheckOutcome, Dependency, DependencyOptions } from '../src/dependencies/Dependency';
import { ConfigError } from '../src/errors/ConfigError';
import { CheckStatus } from '../src/status/CheckStatus';
import { assertBoolean, assertNonEmptyString, assertOptions, optionalNumber } from '../src/validation/assert';
import type { HttpAnswer } from './http/httpRequest';
import { parseHttpUrl, probeHttp, type HttpProbeSpec } from './http/probeHttp';
import { safeUrl } from './http/safeUrl';
import { idFromHost, resolveCheckBase, toDependency } from './shared/resolveCheckBase';

/** The response handed to an `expect` predicate. */
export interface HttpCheckResponse {
  /** The HTTP status code. */
  status: number;
  /** The response headers, names lower-cased. */
  headers: IncomingHttpHeaders;
  /** The first `maxBodyBytes` of the body as UTF-8 text. */
  body: string;
  /** `true` when the body was longer than `maxBodyBytes` and was cut. */
  truncated: boolean;
}

/** Accepted statuses, or a predicate: `true`/`false` (OK/OUTAGE) or the status to report. */
export type HttpExpect = readonly number[] | ((res: HttpCheckResponse) => boolean | CheckStatus);

/** Options of {@link httpCheck}: every `Dependency` field plus the request's. */
export interface HttpCheckOptions extends DependencyOptions {
  /** @default 'http-<host>' (e.g. `'http-api.example.com-8443'`) */
  id?: string;
  /** @default 'http' */
  type?: string;
  /** @default 'GET' */
  method?: string;
  /** Request headers, e.g. `{ authorization: 'Bearer …' }` (never shown in messages). @default {} */
  headers?: OutgoingHttpHeaders;
  /** Which answers are OK: a list of statuses, or a predicate on `{ status, headers, body }`. @default any 2xx */
  expect?: HttpExpect;
  /** Follow 3xx redirects (up to `maxRedirects`). Off, a redirect is judged like any status. @default false */
  followRedirects?: boolean;
  /** Redirects followed at most when `followRedirects` is on. @default 5 */
  maxRedirects?: number;
  /** Body bytes read at most (for `expect`); the rest is not downloaded. @default 65536 */
  maxBodyBytes?: number;
}

/** Defaults of {@link HttpCheckOptions} beyond the `Dependency` ones. */
export const HTTP_CHECK_DEFAULTS = Object.freeze({
  type: 'http',
  method: 'GET',
  followRedirects: false,
  maxRedirects: 5,
  maxBodyBytes: 65_536,
});

/**
 * A dependency that sends one HTTP(S) request and judges the answer: any 2xx is OK by default,
 * anything else (a 3xx included: redirects are not followed unless `followRedirects`) OUTAGE.
 * Bounded by `timeoutMs` (default 2000) and the run's `AbortSignal`; reads at most `maxBodyBytes`.
 * Refused, unreachable or silent servers are OUTAGE with the reason. Messages show the URL
 * without credentials and with every query value masked. `observedValue`: latency in ms.
 *
 * Uses node:http rather than `fetch`: a fresh connection per check (no pooled socket to go stale
 * or hold the process open), socket error codes kept (`ECONNREFUSED`, not "fetch failed"), and
 * URL credentials sent as Basic auth (fetch rejects such URLs).
 *
 * @example
 * manager.register(httpCheck('https://payments.internal/health', { urgency: 'STRONG', expect: [200, 204] }));
 */
export function httpCheck(url: string | URL, opts: HttpCheckOptions = {}): Dependency {
  const target = parseHttpUrl('url', url);
  const o = assertOptions<HttpCheckOptions>('options', opts);
  const base = resolveCheckBase(o, { id: idFromHost('http', target.host), type: HTTP_CHECK_DEFAULTS.type });
  const followRedirects =
    o.followRedirects === undefined
      ? HTTP_CHECK_DEFAULTS.followRedirects
      : assertBoolean('followRedirects', o.followRedirects);
  const spec: HttpProbeSpec = {
    method:
      o.method === undefined
        ? HTTP_CHECK_DEFAULTS.method
        : assertNonEmptyString('method', o.method).toUpperCase(),
    headers: { ...assertOptions<OutgoingHttpHeaders>('headers', o.headers) },
    maxBodyBytes: optionalNumber('maxBodyBytes', o.maxBodyBytes, HTTP_CHECK_DEFAULTS.maxBodyBytes, {
      min: 0,
      integer: true,
    }),
    maxRedirects: followRedirects
      ? optionalNumber('maxRedirects', o.maxRedirects, HTTP_CHECK_DEFAULTS.maxRedirects, {
          min: 0,
          integer: true,
        })
      : 0,
  };
  const judge = compileExpect(o.expect);
  const shown = `${spec.method} ${safeUrl(target)}`;
  return toDependency(base, async ({ signal }) => {
    const probe = await probeHttp(target, spec, base.timeoutMs, signal);
    if (!probe.ok) return { status: 'OUTAGE', message: probe.reason };
    const { answer, latencyMs } = probe;
    const status = judge.statusOf(answer);
    const outcome: CheckOutcome = {
      status,
      message: `${shown} → ${answer.status} in ${latencyMs} ms${status === 'OK' ? '' : ` (${judge.why(answer, status)})`}`,
      observedValue: latencyMs,
      observedUnit: 'ms',
    };
    return outcome;
  });
}

interface Judge {
  statusOf(answer: HttpAnswer): CheckStatus;
  why(answer: HttpAnswer, status: CheckStatus): string;
}

function compileExpect(expect: unknown): Judge {
  const redirectHint = (a: HttpAnswer): string =>
    a.status >= 300 && a.status < 400 && a.headers.location !== undefined
      ? `; redirect to ${safeUrl(new URL(a.headers.location, a.url))} not followed (set followRedirects: true)`
      : '';
  if (expect === undefined) {
    return {
      statusOf: (a) => (a.status >= 200 && a.status < 300 ? 'OK' : 'OUTAGE'),
      why: (a) => `expected 2xx${redirectHint(a)}`,
    };
  }
  if (Array.isArray(expect)) {
    if (expect.length === 0 || !expect.every((s) => Number.isInteger(s) && s >= 100 && s <= 599)) {
      throw new ConfigError('expect', expect, 'a non-empty list of HTTP statuses (100–599) or a predicate');
    }
    const accepted = new Set<number>(expect as number[]);
    return {
      statusOf: (a) => (accepted.has(a.status) ? 'OK' : 'OUTAGE'),
      why: (a) => `expected ${[...accepted].join(', ')}${redirectHint(a)}`,
    };
  }
  if (typeof expect !== 'function')
    throw new ConfigError('expect', expect, 'a list of HTTP statuses or a predicate');
  const predicate = expect as (res: HttpCheckResponse) => unknown;
  return {
    statusOf: (a) =>
      toStatus(predicate({ status: a.status, headers: a.headers, body: a.body, truncated: a.truncated })),
    why: (_a, status) => `judged ${status} by expect`,
  };
}

function toStatus(verdict: unknown): CheckStatus {
  if (verdict === true) return 'OK';
  if (CheckStatus.is(verdict)) return verdict;
  return 'OUTAGE';
}
