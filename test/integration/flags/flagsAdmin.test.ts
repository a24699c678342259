import express from 'express';
import request from 'supertest';
import { flagsAdmin } from '../../../middleware/flags/flagsAdmin';
import { ConfigError } from '../../../src/errors/ConfigError';
import { FeatureFlags } from '../../../src/flags/FeatureFlags';
import { MemoryFlagStore } from '../../../src/flags/MemoryFlagStore';
import { RedisFlagStore } from '../../../src/flags/RedisFlagStore';
import { LEVEL, logSink, type LogLine } from '../../support/logSink';
import { RedisServer } from '../../support/RedisServer';
import { Clients, waitReady } from './flagTestKit';
import { waitFor } from '../../support/waitFor';

const TOKEN = 'test-token-0123456789abcdef';
const AUTH = `Bearer ${TOKEN}`;

let store: MemoryFlagStore;
let flags: FeatureFlags;
let app: express.Express;
let audit: LogLine[];

beforeEach(async () => {
  store = new MemoryFlagStore([
    { key: 'checkout', enabled: true, description: 'New checkout', updatedAt: 1, updatedBy: 'seed' },
  ]);
  flags = new FeatureFlags({ store, defaults: { 'beta.search': false }, registry: false });
  await flags.start();
  const sink = logSink();
  audit = sink.lines;
  app = express();
  app.use('/admin', flagsAdmin(flags, { token: TOKEN, logger: sink.logger }));
  app.get('/other', (_req, res) => void res.send('ok'));
});
afterEach(() => flags.stop());

/** Runs `fn` and asserts that neither the instance's flags nor the store changed. */
async function expectNoChange(fn: () => Promise<void>): Promise<void> {
  const before = { list: flags.list(), stored: await store.load() };
  await fn();
  expect(flags.list()).toEqual(before.list);
  expect(await store.load()).toEqual(before.stored);
}

/** Asserts a JSON error answer without internals. */
function expectJsonError(res: request.Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.type).toBe('application/json');
  expect(res.body).toEqual({ error: expect.any(String) as string, message: expect.any(String) as string });
  expect(res.text).not.toMatch(/\bat .*\(|node_modules|Error:/);
  expect(res.headers['cache-control']).toBe('no-store');
}

const put = (key: string) => request(app).put(`/admin/flags/${key}`).set('Authorization', AUTH);

describe('flagsAdmin authentication', () => {
  it.each([
    ['no Authorization header', 401, undefined],
    ['a Basic credential', 401, 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 401, 'Bearer '],
    ['a wrong token', 403, 'Bearer wrong-token-0123456789abcdef'],
    ['a token differing in length', 403, `Bearer ${TOKEN}x`],
  ])('answers %s with %i on every route and changes nothing', async (_what, status, header) => {
    await expectNoChange(async () => {
      const calls = [
        request(app).get('/admin/flags'),
        request(app).get('/admin/flags/checkout'),
        request(app).put('/admin/flags/checkout').send({ enabled: false }),
      ];
      for (const call of calls) {
        const res = await (header === undefined ? call : call.set('Authorization', header));
        expectJsonError(res, status);
        if (status === 401) expect(res.headers['www-authenticate']).toBe('Bearer realm="statuskit"');
      }
    });
  });

  it('leaves routes outside /flags alone', async () => {
    await request(app).get('/other').expect(200, 'ok');
  });

  it('refuses a missing or short token at construction without echoing it', () => {
    expect(() => flagsAdmin(flags, {} as never)).toThrow(ConfigError);
    expect(() => flagsAdmin(flags, { token: 'short-secret' })).toThrow(/`token` must be 16–512/);
    expect(() => flagsAdmin(flags, { token: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => flagsAdmin(flags, { token: 'has a space in it 123456' })).toThrow(ConfigError);
  });
});

describe('flagsAdmin reads', () => {
  it('lists stored flags and defaults with their source', async () => {
    const res = await request(app).get('/admin/flags').set('Authorization', AUTH).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      flags: [
        {
          key: 'beta.search',
          enabled: false,
          description: '',
          updatedAt: null,
          updatedBy: null,
          source: 'default',
        },
        {
          key: 'checkout',
          enabled: true,
          description: 'New checkout',
          updatedAt: 1,
          updatedBy: 'seed',
          source: 'store',
        },
      ],
      stale: false,
      lastSyncAt: expect.any(Number) as number,
    });
  });

  it('answers one flag, a default-only flag, and 404 for an unknown one', async () => {
    const get = (key: string) => request(app).get(`/admin/flags/${key}`).set('Authorization', AUTH);
    expect((await get('checkout').expect(200)).body).toMatchObject({ key: 'checkout', enabled: true });
    expect((await get('beta.search').expect(200)).body).toMatchObject({ enabled: false, source: 'default' });
    expectJsonError(await get('nope'), 404);
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await request(app).head('/admin/flags').set('Authorization', AUTH).expect(200);
    expect(res.text).toBeUndefined();
  });
});

describe('flagsAdmin writes', () => {
  it('switches a flag, records the actor header, and writes one audit line', async () => {
    const res = await put('checkout')
      .set('X-Statuskit-Actor', 'alice@ops')
      .send({ enabled: false, description: 'Kill switch' })
      .expect(200);
    expect(res.body).toMatchObject({
      key: 'checkout',
      enabled: false,
      description: 'Kill switch',
      updatedBy: 'alice@ops',
      source: 'store',
    });
    expect(flags.isEnabled('checkout')).toBe(false);
    expect((await store.load())[0]).toMatchObject({ enabled: false, updatedBy: 'alice@ops' });
    const lines = audit.filter((l) => l.msg === 'flag set through the admin API');
    expect(lines.map((l) => [l.level, l.key, l.actor, l.from, l.to])).toEqual([
      [LEVEL.info, 'checkout', 'alice@ops', true, false],
    ]);
  });

  it('creates a flag, naming the actor "admin-api" without the header and keeping descriptions', async () => {
    await put('beta.search').send({ enabled: true, description: 'Search v2' }).expect(200);
    const res = await put('beta.search').send({ enabled: false }).expect(200);
    expect(res.body).toMatchObject({ enabled: false, description: 'Search v2', updatedBy: 'admin-api' });
  });

  it.each<[string, () => request.Test]>([
    ['malformed JSON', () => put('checkout').set('Content-Type', 'application/json').send('{"enabled": tru')],
    ['a JSON string body', () => put('checkout').set('Content-Type', 'application/json').send('"true"')],
    ['a JSON array body', () => put('checkout').send([false])],
    ['an empty object', () => put('checkout').send({})],
    ['"enabled" as a string', () => put('checkout').send({ enabled: 'false' })],
    ['"enabled" as a number', () => put('checkout').send({ enabled: 0 })],
    ['"enabled" as null', () => put('checkout').send({ enabled: null })],
    ['"description" as a number', () => put('checkout').send({ enabled: false, description: 5 })],
    ['"description" too long', () => put('checkout').send({ enabled: false, description: 'd'.repeat(1025) })],
    ['an unknown field', () => put('checkout').send({ enabled: false, enable: false })],
    [
      'a __proto__ field',
      () =>
        put('checkout').set('Content-Type', 'application/json').send('{"enabled":false,"__proto__":{"x":1}}'),
    ],
    ['no Content-Type', () => put('checkout')],
    ['a text/plain body', () => put('checkout').set('Content-Type', 'text/plain').send('enabled=false')],
    [
      'a malformed actor header',
      () => put('checkout').set('X-Statuskit-Actor', 'a'.repeat(200)).send({ enabled: false }),
    ],
  ])('answers 400 with a message for %s and changes nothing', async (_what, call) => {
    await expectNoChange(async () => expectJsonError(await call(), 400));
  });

  it('answers 413 with a message for a body over 4 KB and changes nothing', async () => {
    await expectNoChange(async () => {
      const res = await put('checkout').send({ enabled: false, description: 'd'.repeat(5000) });
      expectJsonError(res, 413);
      expect(res.body.message).toMatch(/4096 bytes/);
    });
  });

  it.each([
    ['path traversal', '..%2F..%2Fetc%2Fpasswd'],
    ['encoded dots', '%2E%2E'],
    ['Unicode', '%C3%A9t%C3%A9'],
    ['200 characters', 'k'.repeat(200)],
    ['a leading dash', '-checkout'],
    ['a NUL byte', 'check%00out'],
    ['a space', 'check%20out'],
    ['broken percent-encoding', 'check%E0%A4%A'],
  ])('answers 400 for a key with %s on GET and PUT and changes nothing', async (_what, key) => {
    await expectNoChange(async () => {
      expectJsonError(await request(app).get(`/admin/flags/${key}`).set('Authorization', AUTH), 400);
      expectJsonError(await put(key).send({ enabled: true }), 400);
    });
  });

  it('answers 405 for other methods and 404 for deeper paths, as JSON', async () => {
    await expectNoChange(async () => {
      const del = await request(app).delete('/admin/flags/checkout').set('Authorization', AUTH);
      expectJsonError(del, 405);
      expect(del.headers.allow).toBe('GET, HEAD, PUT');
      expectJsonError(await request(app).post('/admin/flags').set('Authorization', AUTH).send({}), 405);
      expectJsonError(await request(app).get('/admin/flags/a/b').set('Authorization', AUTH), 404);
    });
  });
});

describe('flagsAdmin with Redis down', () => {
  let server: RedisServer;
  const clients = new Clients();
  afterEach(async () => {
    // Bring Redis back first: ioredis's disconnect() of a socket to a dead server waits up to 2 s.
    if (!server.running) await server.restart();
    await Promise.all(clients.list().map((c) => waitReady(c)));
    clients.disconnectAll();
    await server.stop();
  });

  it('answers 503 with a message and changes nothing', async () => {
    server = await RedisServer.start();
    const client = clients.create(server.url);
    await waitReady(client);
    const redisFlags = new FeatureFlags({
      store: new RedisFlagStore(client, { commandTimeoutMs: 300 }),
      registry: false,
    });
    try {
      await redisFlags.start();
      await redisFlags.set('checkout', true);
      const redisApp = express().use(flagsAdmin(redisFlags, { token: TOKEN }));
      await server.kill();
      const res = await request(redisApp)
        .put('/flags/checkout')
        .set('Authorization', AUTH)
        .send({ enabled: false });
      expectJsonError(res, 503);
      expect(res.body.message).toMatch(/^flag not changed: /);
      expect(redisFlags.isEnabled('checkout')).toBe(true);
      expect(redisFlags.list().map((f) => f.enabled)).toEqual([true]);
    } finally {
      if (!server.running) await server.restart();
      await waitReady(client);
      await redisFlags.stop();
    }
  });

  it('answers 504 outcome_unknown when Redis is frozen, then reconciles with the real value in one log line', async () => {
    server = await RedisServer.start();
    const client = clients.create(server.url);
    await waitReady(client);
    const flagsLog = logSink();
    const adminLog = logSink();
    const redisFlags = new FeatureFlags({
      store: new RedisFlagStore(client, { commandTimeoutMs: 300 }),
      refreshMs: 200,
      registry: false,
      logger: flagsLog.logger,
    });
    try {
      await redisFlags.start();
      await redisFlags.set('kill-switch', false);
      const redisApp = express().use(flagsAdmin(redisFlags, { token: TOKEN, logger: adminLog.logger }));
      server.freeze();
      const res = await request(redisApp)
        .put('/flags/kill-switch')
        .set('Authorization', AUTH)
        .set('X-Statuskit-Actor', 'alice')
        .send({ enabled: true });
      expectJsonError(res, 504);
      expect(res.body.error).toBe('outcome_unknown');
      expect(res.body.message).toMatch(/may or may not have been applied/);
      expect(adminLog.lines).toContainEqual(
        expect.objectContaining({ key: 'kill-switch', actor: 'alice', intended: true, outcome: 'unknown' }),
      );
      expect(redisFlags.isEnabled('kill-switch')).toBe(false); // not claimed either way

      server.resume();
      await waitFor(() => redisFlags.isEnabled('kill-switch'), {
        timeoutMs: 10_000,
        intervalMs: 5,
        what: 'the write that was sent lands',
      });
      await waitFor(() => flagsLog.lines.some((l) => l.msg === 'flag outcome reconciled'), {
        timeoutMs: 10_000,
        intervalMs: 5,
        what: 'reconciliation logged',
      });
      const reconciled = flagsLog.lines.filter((l) => l.msg === 'flag outcome reconciled');
      expect(reconciled).toEqual([
        expect.objectContaining({ key: 'kill-switch', intended: true, actual: true, applied: true }),
      ]);
      // One line only, whatever later reloads bring.
      await new Promise((r) => setTimeout(r, 500));
      expect(flagsLog.lines.filter((l) => l.msg === 'flag outcome reconciled')).toHaveLength(1);
    } finally {
      server.resume();
      await redisFlags.stop();
    }
  });

  it('answers 503 at once while the client has never been ready and Redis is unreachable', async () => {
    server = await RedisServer.start();
    const port = server.port;
    await server.kill();
    const client = clients.create(`redis://127.0.0.1:${port}`);
    const redisFlags = new FeatureFlags({
      store: new RedisFlagStore(client, { commandTimeoutMs: 300 }),
      registry: false,
    });
    try {
      await redisFlags.start();
      const redisApp = express().use(flagsAdmin(redisFlags, { token: TOKEN }));
      const res = await request(redisApp).put('/flags/x').set('Authorization', AUTH).send({ enabled: true });
      expectJsonError(res, 503);
      expect(res.body.message).toMatch(/^flag not changed: /);
      expect(redisFlags.isEnabled('x')).toBe(false);
    } finally {
      await server.restart();
      await redisFlags.stop();
    }
  });
});
