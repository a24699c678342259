import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';

/** What {@link httpRequest} sends and how much it reads. */
export interface HttpRequestSpec {
  method: string;
  headers: OutgoingHttpHeaders;
  /** Bytes of body kept; the rest is not read (the connection is closed). */
  maxBodyBytes: number;
  /** 0 = answer the first response, redirects included. */
  maxRedirects: number;
  signal: AbortSignal;
}

/** A response as a check sees it. */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The first `maxBodyBytes` of the body, decoded as UTF-8. */
  body: string;
  /** `true` when the body was longer than `maxBodyBytes` and was cut. */
  truncated: boolean;
  /** The URL that answered (differs from the first after redirects). */
  url: URL;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * One HTTP(S) request with node:http: a fresh connection per call (`agent: false`: no pooled
 * socket can go stale or keep the process alive), a bounded body read, redirects followed only up
 * to `maxRedirects`, aborted by `signal`. Rejects with the socket error (its `code` intact).
 */
export async function httpRequest(url: URL, spec: HttpRequestSpec): Promise<HttpAnswer> {
  let current = url;
  let { method, headers } = spec;
  for (let hop = 0; ; hop++) {
    const answer = await requestOnce(current, method, headers, spec);
    const location = answer.headers.location;
    if (!REDIRECTS.has(answer.status) || location === undefined || hop >= spec.maxRedirects) return answer;
    const next = new URL(location, current);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return answer;
    if (next.origin !== current.origin) headers = withoutCredentials(headers);
    if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === 'POST')) {
      method = 'GET';
    }
    current = next;
  }
}

function withoutCredentials(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    const lower = k.toLowerCase();
    if (lower !== 'authorization' && lower !== 'cookie' && lower !== 'proxy-authorization') out[k] = v;
  }
  return out;
}

function requestOnce(
  url: URL,
  method: string,
  headers: OutgoingHttpHeaders,
  spec: HttpRequestSpec,
): Promise<HttpAnswer> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<HttpAnswer>((resolve, reject) => {
    // node:http turns URL credentials into Basic auth (fetch would refuse such a URL).
    const req = transport.request(url, { method, headers, agent: false, signal: spec.signal });
    req.on('error', reject);
    req.on('response', (res) => {
      readBounded(res, spec.maxBodyBytes, url).then(resolve, reject);
    });
    req.end();
  });
}

function readBounded(res: IncomingMessage, maxBytes: number, url: URL): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (truncated: boolean): void => {
      if (settled) return;
      settled = true;
      const body = Buffer.concat(chunks, Math.min(size, maxBytes)).toString('utf8');
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body, truncated, url });
    };
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes) {
        // Enough read: stop here rather than download an unbounded body.
        finish(true);
        res.destroy();
      }
    });
    res.on('end', () => finish(false));
    res.on('error', fail);
    res.on('close', () => fail(new Error('connection closed before the body ended')));
  });
}
