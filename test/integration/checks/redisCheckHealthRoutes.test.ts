import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import express from 'express';
import Redis from 'ioredis';
import { redisCheck } from '../../../checks/redisCheck';
import { statuskitCheck } from '../../../checks/statuskitCheck';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import { RedisServer } from '../../support/RedisServer';
import { eventually } from './helpers';
import { waitFor } from '../../support/waitFor';

/** GET `url` on a fresh connection; resolves with the status, the parsed body and the time taken. */
function get(url: string): Promise<{ status: number; body: { condition?: string }; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), ms: performance.now() - started }),
        );
      })
      .on('error', reject);
  });
}

/** Generous for a busy 2-core machine; an answer that waited on Redis would take at least this. */
const CHECK_TIMEOUT_MS = 1000;

describe('redisCheck in a real manager behind healthRoutes', () => {
  let redis: RedisServer;
  let client: Redis;
  let manager: DependencyManager;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    redis = await RedisServer.start();
    client = new Redis(redis.url); // default-configured, as most services create it
    client.on('error', () => undefined);
    await waitFor(() => client.status === 'ready', { timeoutMs: 15_000 });
    manager = new DependencyManager({ registry: false, defaults: { graceFailures: 0 } });
    // The check's timeout is twice the bound asserted below: an answer that waited on the frozen
    // Redis would take at least CHECK_TIMEOUT_MS, so the bound still tells waiting from not waiting.
    manager.register(redisCheck(client, { timeoutMs: CHECK_TIMEOUT_MS, pingPeriodMs: 100 }));
    await manager.start();
    const app = express();
    app.use(healthRoutes(manager, { hostname: 'shop-1' }));
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    redis.resume();
    await manager.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    client.disconnect();
    await redis.stop();
  });

  it('keeps answering /healthcheck well within the check timeout while Redis is frozen, turning 503 once the check times out', async () => {
    expect(await get(`${base}/healthcheck`)).toMatchObject({ status: 200, body: { condition: 'OK' } });
    redis.freeze();
    const answers: { status: number; condition?: string; ms: number }[] = [];
    const until = Date.now() + CHECK_TIMEOUT_MS * 3;
    while (Date.now() < until) {
      const { status, body, ms } = await get(`${base}/healthcheck`);
      answers.push({ status, condition: body.condition, ms });
      await new Promise((r) => setTimeout(r, 25));
    }
    redis.resume();
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((a) => a.ms >= CHECK_TIMEOUT_MS / 2)).toEqual([]);
    expect(answers.at(-1)).toMatchObject({ status: 503, condition: 'OUTAGE' });
  });

  it('reports OK again once Redis resumes', async () => {
    redis.resume();
    const deadline = Date.now() + 10_000;
    let last = await get(`${base}/healthcheck`);
    while (last.body.condition !== 'OK' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      last = await get(`${base}/healthcheck`);
    }
    expect(last).toMatchObject({ status: 200, body: { condition: 'OK' } });
  });

  it('is read by statuskitCheck from another service, condition for condition', async () => {
    const check = statuskitCheck(base, { timeoutMs: 1000 });
    expect((await eventually(check, (o) => o.status === 'OK')).message).toMatch(
      /^shop-1 at .* reports OK \(HTTP 200/,
    );
    redis.freeze();
    try {
      const down = await eventually(check, (o) => o.status === 'OUTAGE', 5000);
      expect(down.message).toMatch(/^shop-1 at .* reports OUTAGE \(HTTP 503, dcStatus FAILOVER\)$/);
    } finally {
      redis.resume();
    }
    expect((await eventually(check, (o) => o.status === 'OK')).status).toBe('OK');
  });
});
