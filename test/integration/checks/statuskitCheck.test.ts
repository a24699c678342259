import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { statuskitCheck } from '../../../checks/statuskitCheck';
import type { CheckStatus } from '../../../src/status/CheckStatus';
import { freePort } from '../../support/freePort';
import { MARGIN_MS, runCheck } from './helpers';

/** What the other service's `/healthcheck` answers next. */
type Answer = { code: number; json?: unknown; html?: string };

/** The summary body a statuskit service’s `/healthcheck` answers. */
function report(condition: CheckStatus): Answer {
  const failover = condition === 'OUTAGE';
  return {
    code: failover ? 503 : 200,
    json: { hostname: 'orders-1', duration: 3, condition, dcStatus: failover ? 'FAILOVER' : 'OK' },
  };
}

describe('statuskitCheck against another service’s /healthcheck', () => {
  let server: Server;
  let base: string;
  let host: string;
  let answer: Answer = report('OK');
  let lastAccept: string | undefined;

  beforeAll(async () => {
    const app = express();
    app.get('/healthcheck', (req, res) => {
      lastAccept = req.headers.accept;
      res.status(answer.code);
      if (answer.html !== undefined) res.type('html').send(answer.html);
      else res.json(answer.json);
    });
    app.get('/slow/healthcheck', () => undefined); // never answers
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    host = `127.0.0.1:${port}`;
    base = `http://${host}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.each(['OK', 'MINOR', 'MAJOR'] as const)(
    'takes the condition %s of a service answering 200',
    async (condition) => {
      answer = report(condition);
      const outcome = await runCheck(statuskitCheck(base));
      expect(outcome).toMatchObject({ status: condition, observedUnit: 'ms' });
      expect(outcome.message).toBe(
        `orders-1 at ${base}/healthcheck reports ${condition} (HTTP 200, dcStatus OK)`,
      );
    },
  );

  it('reports OUTAGE from the body of a 503', async () => {
    answer = report('OUTAGE');
    const outcome = await runCheck(statuskitCheck(base));
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toBe(
      `orders-1 at ${base}/healthcheck reports OUTAGE (HTTP 503, dcStatus FAILOVER)`,
    );
  });

  it('asks /healthcheck for plain JSON, with a default id and type derived from the URL', async () => {
    answer = report('OK');
    const check = statuskitCheck(`${base}/`);
    expect(check).toMatchObject({ id: `statuskit-127.0.0.1-${host.split(':')[1]}`, type: 'statuskit' });
    await runCheck(check);
    expect(lastAccept).toBe('application/json');
  });

  it('answers OUTAGE with a clear message for JSON that is not a statuskit report', async () => {
    answer = { code: 200, json: { status: 'UP' } };
    const outcome = await runCheck(statuskitCheck(base));
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toBe(
      `${base}/healthcheck answered HTTP 200 with application/json, not a statuskit report ` +
        '(expected JSON { hostname, duration, condition, dcStatus })',
    );
  });

  it('answers OUTAGE with a clear message for an HTML page', async () => {
    answer = { code: 200, html: '<html><body>Welcome</body></html>' };
    const outcome = await runCheck(statuskitCheck(base));
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toMatch(/answered HTTP 200 with text\/html, not a statuskit report/);
  });

  it('answers OUTAGE when the service is unreachable', async () => {
    const port = await freePort();
    const outcome = await runCheck(statuskitCheck(`http://127.0.0.1:${port}`));
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toBe(
      `statuskit service unreachable: GET http://127.0.0.1:${port}/healthcheck failed: ` +
        `connection refused (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });

  it('answers OUTAGE within its timeout when the service never answers', async () => {
    const outcome = await runCheck(statuskitCheck(`${base}/slow/healthcheck`, { timeoutMs: 300 }));
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toMatch(/got no complete answer within 300 ms$/);
    expect(outcome.elapsedMs).toBeLessThan(300 + MARGIN_MS);
  });
});
