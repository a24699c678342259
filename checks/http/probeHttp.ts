import { performance } from 'node:perf_hooks';
import type { OutgoingHttpHeaders } from 'node:http';
import { ConfigError } from '../../src/errors/ConfigError';
import { TimeoutError } from '../../src/errors/TimeoutError';
import { redact } from '../../src/redaction/redact';
import { withTimeout } from '../../src/timing/withTimeout';
import { describeNetError } from '../shared/describeNetError';
import { roundMs } from '../shared/resolveCheckBase';
import { httpRequest, type HttpAnswer } from './httpRequest';
import { safeUrl } from './safeUrl';

/** What to send: method, headers, body bound and redirect policy. */
export interface HttpProbeSpec {
  method: string;
  headers: OutgoingHttpHeaders;
  maxBodyBytes: number;
  maxRedirects: number;
}

/** The answer and its latency, or why there was none (in words, redacted). */
export type HttpProbe = { ok: true; answer: HttpAnswer; latencyMs: number } | { ok: false; reason: string };

/** Parses and checks a check's URL option: http or https only; `ConfigError` otherwise. */
export function parseHttpUrl(name: string, value: unknown): URL {
  let url: URL | undefined;
  if (value instanceof URL) url = new URL(value.href);
  else if (typeof value === 'string') url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(name, typeof value === 'string' ? redact(value) : value, 'an http(s) URL');
  }
  return url;
}

/**
 * Sends one request bounded by `timeoutMs` (0 = none) and the run's `signal`; never rejects.
 * `reason` says what went wrong with the URL shown by {@link safeUrl}.
 */
export async function probeHttp(
  url: URL,
  spec: HttpProbeSpec,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<HttpProbe> {
  const started = performance.now();
  try {
    const answer = await withTimeout(
      (s) => httpRequest(url, { ...spec, signal: s }),
      timeoutMs,
      `${spec.method} ${safeUrl(url)}`,
      signal,
    );
    return { ok: true, answer, latencyMs: roundMs(performance.now() - started) };
  } catch (err) {
    const target = `${spec.method} ${safeUrl(url)}`;
    if (signal.aborted) return { ok: false, reason: `${target} was aborted before it answered` };
    if (err instanceof TimeoutError) {
      return { ok: false, reason: `${target} got no complete answer within ${err.timeoutMs} ms` };
    }
    return { ok: false, reason: `${target} failed: ${describeNetError(err)}` };
  }
}
