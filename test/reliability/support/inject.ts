import type { Express } from 'express';
import inject from 'light-my-request';

/** A request as the property tests build it. */
export interface Probe {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** The TCP peer's address. @default '203.0.113.7' (remote) */
  remoteAddress?: string;
}

/** What came back. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
}

/**
 * Sends `probe` through `app` without a socket (light-my-request): the same Express code path as
 * a real request, thousands of times faster, so property tests can try many cases.
 *
 * light-my-request (5.14 and 6.8 alike) retains about 9.5 KB per request on Node 20, whatever the
 * handler, and hands back the body of a HEAD answer that a real socket would drop: fine
 * for tens of thousands of cases, but never use it to measure our own memory (leaks/heap.test.ts
 * uses loopback HTTP).
 */
export async function send(app: Express, probe: Probe): Promise<Answer> {
  const res = await inject(app, {
    method: probe.method as 'GET',
    url: probe.url,
    headers: probe.headers,
    ...(probe.body === undefined ? {} : { payload: probe.body }),
    remoteAddress: probe.remoteAddress ?? '203.0.113.7',
  });
  return { status: res.statusCode, headers: res.headers, text: res.payload };
}

/** A readable one-line description of a probe, for assertion messages. */
export function describeProbe(p: Probe): string {
  const body = p.body === undefined ? '' : ` body=${JSON.stringify(String(p.body).slice(0, 120))}`;
  return `${p.method} ${p.url} ${JSON.stringify(p.headers)}${body} from ${p.remoteAddress ?? 'remote'}`;
}

/** Throws, naming the request and the answer, unless `ok`: fast-check then shrinks to the simplest case. */
export function ensure(ok: boolean, what: string, p: Probe, res: Answer): void {
  if (!ok)
    throw new Error(
      `${what}\n  request: ${describeProbe(p)}\n  answer: ${res.status} ${res.text.slice(0, 400)}`,
    );
}
