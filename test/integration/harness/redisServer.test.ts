import Redis from 'ioredis';
import { RedisServer } from '../../support/RedisServer';

describe('real redis-server harness', () => {
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    client = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  });
  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('starts a server on a free loopback port that SETs and GETs', async () => {
    expect(server.port).toBeGreaterThan(0);
    await client.set('harness:key', 'value');
    expect(await client.get('harness:key')).toBe('value');
  });

  it('freezes and resumes the server', async () => {
    server.freeze();
    const pending = client.ping();
    const outcome = await Promise.race([pending, new Promise((r) => setTimeout(() => r('frozen'), 300))]);
    expect(outcome).toBe('frozen');
    server.resume();
    expect(await pending).toBe('PONG');
  });

  it('kills and restarts on the same port', async () => {
    await server.kill();
    expect(server.running).toBe(false);
    await server.restart();
    expect(server.running).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(await client.ping()).toBe('PONG');
  });
});
