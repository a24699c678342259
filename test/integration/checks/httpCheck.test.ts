import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpCheck } from '../../../checks/httpCheck';
import { freePort } from '../../support/freePort';
import { MARGIN_MS, runCheck } from './helpers';

/** A real HTTP server on a free loopback port, with the routes the tests need. */
async function startServer(
  handler: http.RequestListener,
): Promise<{ base: string; port: number; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('httpCheck against a real HTTP server', () => {
  let origin: Awaited<ReturnType<typeof startServer>>;
  let other: Awaited<ReturnType<typeof startServer>>;
  /** Bytes the endless route managed to write before the client hung up. */
  let hugeBytesWritten = 0;
  let slowRequestClosed = false;

  beforeAll(async () => {
    other = await startServer((req, res) => {
      res.end(JSON.stringify({ authorization: req.headers.authorization ?? null }));
    });
    origin = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      switch (url.pathname) {
        case '/ok':
          return void res.end('fine');
        case '/fail':
          res.statusCode = 503;
          return void res.end('down');
        case '/degraded':
          return void res.end(JSON.stringify({ state: 'degraded' }));
        case '/slow':
          req.on('close', () => (slowRequestClosed = true));
          return; // never answers
        case '/huge': {
          hugeBytesWritten = 0;
          const chunk = Buffer.alloc(16 * 1024, 'x');
          const pump = (): void => {
            while (!res.destroyed && res.write(chunk)) hugeBytesWritten += chunk.length;
            if (!res.destroyed) res.once('drain', pump);
          };
          return pump();
        }
        case '/redirect':
          res.writeHead(302, { location: '/ok' });
          return void res.end();
        case '/loop':
          res.writeHead(302, { location: '/loop' });
          return void res.end();
        case '/elsewhere':
          res.writeHead(307, { location: `${other.base}/echo` });
          return void res.end();
        case '/private': {
          const expected = `Basic ${Buffer.from('user:pa55word').toString('base64')}`;
          res.statusCode = req.headers.authorization === expected ? 200 : 401;
          return void res.end();
        }
        default:
          res.statusCode = 404;
          res.end();
      }
    });
  });
  afterAll(async () => {
    await origin.close();
    await other.close();
  });

  it('answers OK for a 2xx, with the latency in ms and a default id derived from the host', async () => {
    const check = httpCheck(`${origin.base}/ok`);
    expect(check).toMatchObject({ id: `http-127.0.0.1-${origin.port}`, type: 'http' });
    const outcome = await runCheck(check);
    expect(outcome).toMatchObject({ status: 'OK', observedUnit: 'ms' });
    expect(outcome.message).toMatch(new RegExp(`^GET ${origin.base}/ok → 200 in [\\d.]+ ms$`));
  });

  it('answers OUTAGE for a 5xx, saying what it expected', async () => {
    const outcome = await runCheck(httpCheck(`${origin.base}/fail`));
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toMatch(/→ 503 in [\d.]+ ms \(expected 2xx\)$/);
  });

  it('accepts the statuses listed in `expect`', async () => {
    expect((await runCheck(httpCheck(`${origin.base}/fail`, { expect: [503] }))).status).toBe('OK');
    const outcome = await runCheck(httpCheck(`${origin.base}/ok`, { expect: [204] }));
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toMatch(/\(expected 204\)$/);
  });

  it('lets an `expect` predicate judge the status and body, returning a status of its own', async () => {
    const check = httpCheck(`${origin.base}/degraded`, {
      expect: ({ status, body }) => (status === 200 && body.includes('degraded') ? 'MINOR' : status === 200),
    });
    const outcome = await runCheck(check);
    expect(outcome.status).toBe('MINOR');
    expect(outcome.message).toMatch(/\(judged MINOR by expect\)$/);
  });

  it('answers OUTAGE within its timeout when the server never answers, and hangs up', async () => {
    const outcome = await runCheck(httpCheck(`${origin.base}/slow`, { timeoutMs: 300 }));
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toBe(`GET ${origin.base}/slow got no complete answer within 300 ms`);
    expect(outcome.elapsedMs).toBeLessThan(300 + MARGIN_MS);
    await new Promise((r) => setTimeout(r, 50));
    expect(slowRequestClosed).toBe(true);
  });

  it('stops when the run’s AbortSignal aborts', async () => {
    const controller = new AbortController();
    const pending = httpCheck(`${origin.base}/slow`, { timeoutMs: 0 }).check({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('manager stopped')), 50);
    await expect(pending).resolves.toMatchObject({
      status: 'OUTAGE',
      message: expect.stringMatching(/aborted/),
    });
  });

  it('answers OUTAGE, connection refused, when nothing listens on the port', async () => {
    const port = await freePort();
    const outcome = await runCheck(httpCheck(`http://127.0.0.1:${port}/health`));
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toBe(
      `GET http://127.0.0.1:${port}/health failed: connection refused (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });

  it('reads at most 64 KB of an endless body and answers at once', async () => {
    let seen: { length: number; truncated: boolean } | undefined;
    const outcome = await runCheck(
      httpCheck(`${origin.base}/huge`, {
        timeoutMs: 10_000,
        expect: ({ body, truncated }) => {
          seen = { length: body.length, truncated };
          return true;
        },
      }),
    );
    expect(outcome.status).toBe('OK');
    expect(seen).toEqual({ length: 65_536, truncated: true });
    expect(outcome.elapsedMs).toBeLessThan(MARGIN_MS);
    expect(hugeBytesWritten).toBeLessThan(64 * 1024 * 1024);
  });

  it('does not follow redirects unless asked, and says so', async () => {
    const outcome = await runCheck(httpCheck(`${origin.base}/redirect`));
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toMatch(
      new RegExp(
        `→ 302 in [\\d.]+ ms \\(expected 2xx; redirect to ${origin.base}/ok not followed \\(set followRedirects: true\\)\\)$`,
      ),
    );
    expect((await runCheck(httpCheck(`${origin.base}/redirect`, { followRedirects: true }))).status).toBe(
      'OK',
    );
  });

  it('follows at most `maxRedirects` redirects', async () => {
    const outcome = await runCheck(
      httpCheck(`${origin.base}/loop`, { followRedirects: true, maxRedirects: 3 }),
    );
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toMatch(/→ 302 /);
  });

  it('drops the Authorization header when a redirect leaves the origin', async () => {
    let echoed: unknown;
    const check = httpCheck(`${origin.base}/elsewhere`, {
      followRedirects: true,
      headers: { authorization: 'Bearer top-secret' },
      expect: ({ body }) => {
        echoed = JSON.parse(body);
        return true;
      },
    });
    expect((await runCheck(check)).status).toBe('OK');
    expect(echoed).toEqual({ authorization: null });
  });

  it('sends URL credentials as Basic auth but never shows them or query values', async () => {
    const url = `http://user:pa55word@127.0.0.1:${origin.port}/private?token=abc123`;
    const ok = await runCheck(httpCheck(url));
    expect(ok.status).toBe('OK');
    expect(ok.message).toMatch(
      new RegExp(`^GET http://\\*\\*\\*@127\\.0\\.0\\.1:${origin.port}/private\\?token=\\*\\*\\* → 200`),
    );
    const port = await freePort();
    const refused = await runCheck(httpCheck(`http://user:pa55word@127.0.0.1:${port}/?token=abc123`));
    for (const message of [ok.message, refused.message]) {
      expect(message).not.toContain('pa55word');
      expect(message).not.toContain('abc123');
    }
  });

  it('sends the method it is given (HEAD has no body to read)', async () => {
    const outcome = await runCheck(httpCheck(`${origin.base}/ok`, { method: 'head' }));
    expect(outcome.status).toBe('OK');
    expect(outcome.message).toMatch(/^HEAD /);
  });
});
