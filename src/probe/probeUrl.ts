import http from 'node:http';
import https from 'node:https';

/** What {@link probeUrl} found: whether the answer was a 2xx, and one line saying what happened. */
export interface ProbeOutcome {
  /** `true` for a complete 2xx answer within the time limit. */
  readonly ok: boolean;
  /** One line for a person (or Docker's health log): the status and the start of the body, or the failure. */
  readonly line: string;
}

/** How much of the body goes into {@link ProbeOutcome.line}; the rest is read and dropped. */
const BODY_PREVIEW_BYTES = 200;

/**
 * One `GET` of `url` (http or https) with plain Node and no connection pool, bounded by `timeoutMs`
 * from the first byte sent to the last byte of the body: a server that accepts the connection and
 * never answers, or answers its headers and stalls, is a failure at the deadline, and the socket is
 * destroyed then, so nothing of the probe outlives it. Never rejects. Redirects are not followed
 * (a 3xx is a failure: a probe names the route it means).
 */
export function probeUrl(url: URL, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise<ProbeOutcome>((resolve) => {
    let settled = false;
    const finish = (ok: boolean, line: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      resolve({ ok, line });
    };
    const get = url.protocol === 'https:' ? https.get : http.get;
    const req = get(url, { agent: false, headers: { 'user-agent': 'statuskit-probe', connection: 'close' } });
    const deadline = setTimeout(() => finish(false, `no complete answer within ${timeoutMs} ms`), timeoutMs);
    deadline.unref(); // the socket keeps the process alive while it waits; the timer need not
    req.on('error', (err: NodeJS.ErrnoException) => finish(false, err.message || String(err.code)));
    req.on('response', (res) => {
      const code = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept >= BODY_PREVIEW_BYTES) return;
        chunks.push(chunk);
        kept += chunk.length;
      });
      res.on('error', (err) => finish(false, err.message));
      res.on('end', () => {
        const preview = Buffer.concat(chunks).toString('utf8', 0, Math.min(kept, BODY_PREVIEW_BYTES));
        const body = preview.replace(/\s+/g, ' ').trim();
        finish(code >= 200 && code < 300, `${code} ${url.href}${body === '' ? '' : ` ${body}`}`);
      });
    });
  });
}
