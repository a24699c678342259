import { RedisServer } from '../../support/RedisServer';
import { runFixture } from '../support/child';

/** Generous: a busy shared machine. Normally the process exits within a few hundred ms of stop(). */
const EXIT_WITHIN_MS = 5000;
/** Well under ioredis's 2 s `disconnectTimeout`, well over a clean exit on a busy machine. */
const LINGER_MS = 1000;

describe('stop() leaves no handle: the process exits by itself', () => {
  let server: RedisServer;
  beforeEach(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    server.resume();
    await server.stop();
  });

  it.each([
    ['with Redis healthy', 'healthy'],
    ['after Redis was killed', 'redis-killed'],
    ['with Redis frozen (SIGSTOP)', 'redis-frozen'],
  ])(
    'manager, flags on RedisFlagStore, outbox, RedisCache and an HTTP server, %s',
    async (_what, mode) => {
      const run = await runFixture('stopAll', {
        args: [mode],
        env: { REDIS_URL: server.url, REDIS_PID: String(server.pid) },
        killAfterMs: 20_000,
      });
      const stopped = run.messages.find((m) => m.phase === 'stopped') as
        { stops: Record<string, number>; at: number } | undefined;
      const exit = run.messages.find((m) => m.exit === true) as { escaped: string[]; at: number } | undefined;
      expect({ stderr: run.stderr, timedOut: run.timedOut, code: run.code }).toEqual({
        stderr: '',
        timedOut: false,
        code: 0,
      });
      expect(stopped).toBeDefined();
      expect(exit?.escaped).toEqual([]);
      // Each stop() is bounded, even with Redis frozen mid-command.
      for (const ms of Object.values(stopped!.stops)) expect(ms).toBeLessThan(EXIT_WITHIN_MS);
      // Exit came by itself, soon after the last stop() returned.
      const lingeredMs = exit!.at - stopped!.at;
      process.stdout.write(
        `exit ${mode}: stop() ms ${JSON.stringify(stopped!.stops)}, exited ${lingeredMs} ms after\n`,
      );
      expect(lingeredMs).toBeLessThan(EXIT_WITHIN_MS);
    },
    30_000,
  );

  it("flags and outbox stopped while Redis is down leave none of ioredis's disconnect timers", async () => {
    const run = await runFixture('stopRedisDown', {
      env: { REDIS_URL: server.url, REDIS_PID: String(server.pid) },
      killAfterMs: 20_000,
    });
    expect({ stderr: run.stderr, timedOut: run.timedOut, code: run.code }).toEqual({
      stderr: '',
      timedOut: false,
      code: 0,
    });
    const stopped = run.messages.find((m) => m.phase === 'stopped') as { at: number } | undefined;
    const exit = run.messages.find((m) => m.exit === true) as { at: number } | undefined;
    expect({ stopped, exit, stdout: run.stdout }).toEqual({
      stopped: expect.anything(),
      exit: expect.anything(),
      stdout: run.stdout,
    });
    // A leftover timer holds the process for ioredis's 2 s disconnectTimeout; a clean exit takes ms.
    expect(exit!.at - stopped!.at).toBeLessThan(LINGER_MS);
  }, 30_000);
});
