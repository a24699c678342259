import Redis, { type RedisOptions } from 'ioredis';
import { redisCheck } from '../../../checks/redisCheck';
import { RedisServer } from '../../support/RedisServer';
import { eventually, MARGIN_MS, runCheck } from './helpers';
import { waitFor } from '../../support/waitFor';

/** How many PINGs the server has executed (read through a separate connection). */
async function pingCalls(url: string): Promise<number> {
  const admin = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: () => null,
  });
  try {
    const info = await admin.info('commandstats');
    return Number(/cmdstat_ping:calls=(\d+)/.exec(info)?.[1] ?? 0);
  } finally {
    admin.disconnect();
  }
}

describe('redisCheck against a real redis-server', () => {
  let server: RedisServer;
  const clients: Redis[] = [];

  /** The non-blocking client the tests use unless they say otherwise. */
  function client(opts: RedisOptions = {}): Redis {
    const c = new Redis(server.url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: () => 100,
      disconnectTimeout: 100, // a dead socket is destroyed 100 ms after disconnect(), not 2 s
      ...opts,
    });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  }

  beforeEach(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    server.resume();
    for (const c of clients.splice(0)) c.disconnect();
    await server.stop();
  });

  it('answers OK with the PING round trip in ms while Redis is healthy', async () => {
    const c = client();
    await waitFor(() => c.status === 'ready', { timeoutMs: 15_000 });
    const outcome = await runCheck(redisCheck(c));
    expect(outcome).toMatchObject({ status: 'OK', observedUnit: 'ms' });
    expect(outcome.message).toMatch(/^PONG in [\d.]+ ms$/);
    expect(outcome.observedValue).toBeGreaterThanOrEqual(0);
  });

  it('answers OUTAGE at once, saying the connection is refused, while Redis is down', async () => {
    const c = client();
    await waitFor(() => c.status === 'ready', { timeoutMs: 15_000 });
    await server.kill();
    await waitFor(() => c.status !== 'ready', { timeoutMs: 15_000 });
    const check = redisCheck(c, { timeoutMs: 10_000 });
    const outcome = await eventually(check, (o) => /refused/.test(o.message ?? ''), 5000);
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toMatch(
      /^Redis is (reconnecting|connecting): connection refused \(connect ECONNREFUSED 127\.0\.0\.1:\d+\); PING not sent$/,
    );
    // Far below its 10 s timeout: it did not wait on anything.
    expect((await runCheck(check)).elapsedMs).toBeLessThan(MARGIN_MS);
  });

  it('answers OUTAGE within its timeout while Redis is frozen, and OK again once it resumes', async () => {
    const c = client();
    await waitFor(() => c.status === 'ready', { timeoutMs: 15_000 });
    const check = redisCheck(c, { timeoutMs: 300 });
    server.freeze();
    const frozen = await runCheck(check);
    expect(frozen.status).toBe('OUTAGE');
    expect(frozen.message).toBe(
      'Redis did not answer PING within 300 ms (server frozen, overloaded or network stalled)',
    );
    expect(frozen.elapsedMs).toBeLessThan(300 + MARGIN_MS);
    server.resume();
    expect((await eventually(check, (o) => o.status === 'OK')).message).toMatch(/^PONG/);
  });

  it('leaves at most one PING queued behind a frozen server however often it is checked', async () => {
    const c = client();
    await waitFor(() => c.status === 'ready', { timeoutMs: 15_000 });
    const check = redisCheck(c, { timeoutMs: 100 });
    const before = await pingCalls(server.url);
    server.freeze();
    for (let i = 0; i < 5; i++) expect((await runCheck(check)).status).toBe('OUTAGE');
    server.resume();
    expect((await runCheck(check)).status).toBe('OK');
    // The one PING sent while frozen, answered on resume (the check after it may have joined it or sent one).
    expect((await pingCalls(server.url)) - before).toBeLessThanOrEqual(2);
  });

  it('reports OK again after Redis restarts, with the same client and check', async () => {
    const c = client();
    await waitFor(() => c.status === 'ready', { timeoutMs: 15_000 });
    const check = redisCheck(c);
    await server.kill();
    expect((await runCheck(check)).status).toBe('OUTAGE');
    await server.restart();
    expect((await eventually(check, (o) => o.status === 'OK')).message).toMatch(/^PONG/);
  });

  describe('with a default-configured ioredis client (offline queue on, 20 retries per request)', () => {
    function defaultClient(): Redis {
      const c = new Redis(server.url);
      c.on('error', () => undefined); // only to keep the test output quiet
      clients.push(c);
      return c;
    }

    it('answers OUTAGE at once while Redis is down instead of waiting in the offline queue', async () => {
      const c = defaultClient();
      await waitFor(() => c.status === 'ready', { timeoutMs: 15_000 });
      await server.kill();
      await waitFor(() => c.status !== 'ready', { timeoutMs: 15_000 });
      const outcome = await runCheck(redisCheck(c, { timeoutMs: 10_000 }));
      expect(outcome.status).toBe('OUTAGE');
      expect(outcome.message).toMatch(/^Redis is (reconnecting|connecting)/);
      expect(outcome.elapsedMs).toBeLessThan(MARGIN_MS);
      await server.restart();
      await waitFor(() => c.status === 'ready', { timeoutMs: 20_000 });
    });

    it('answers OUTAGE within its timeout while Redis is frozen and OK after a restart', async () => {
      const c = defaultClient();
      await waitFor(() => c.status === 'ready', { timeoutMs: 15_000 });
      const check = redisCheck(c, { timeoutMs: 300 });
      server.freeze();
      const frozen = await runCheck(check);
      expect(frozen.status).toBe('OUTAGE');
      expect(frozen.elapsedMs).toBeLessThan(300 + MARGIN_MS);
      await server.restart();
      // ioredis's default backoff grows to 2 s between attempts.
      expect((await eventually(check, (o) => o.status === 'OK', 20_000)).status).toBe('OK');
    });
  });

  it('connects a lazyConnect client that was never used, and answers OK', async () => {
    const c = client({ lazyConnect: true });
    expect(c.status).toBe('wait');
    expect((await runCheck(redisCheck(c))).status).toBe('OK');
  });

  it('says the client is closed for good after disconnect()', async () => {
    const c = client();
    await waitFor(() => c.status === 'ready', { timeoutMs: 15_000 });
    c.disconnect();
    await waitFor(() => c.status === 'end', { timeoutMs: 15_000 });
    const outcome = await runCheck(redisCheck(c));
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toMatch(/^Redis is closed for good/);
  });
});

describe('redisCheck never shows the password', () => {
  let server: RedisServer;
  let c: Redis;
  beforeAll(async () => {
    server = await RedisServer.start();
    // Set after start: the harness's readiness probe is a bare PING.
    const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
    await admin.config('SET', 'requirepass', 's3cret-pw');
    admin.disconnect();
    c = new Redis(`redis://:s3cret-pw@127.0.0.1:${server.port}`, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: () => 100,
      disconnectTimeout: 100,
    });
    c.on('error', () => undefined);
  });
  afterAll(async () => {
    c.disconnect();
    await server.stop();
  });

  it('in its description or in any message, healthy or down', async () => {
    await waitFor(() => c.status === 'ready', { timeoutMs: 15_000 });
    const check = redisCheck(c);
    expect(check.description).toBe(`Redis at 127.0.0.1:${server.port}`);
    const messages = [(await runCheck(check)).message];
    await server.kill();
    messages.push((await eventually(check, (o) => /refused/.test(o.message ?? ''), 5000)).message);
    expect(messages.join(' ')).not.toContain('s3cret-pw');
    expect(messages[0]).toMatch(/^PONG/);
  });
});
