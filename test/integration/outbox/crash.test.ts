import type Redis from 'ioredis';
import { RedisServer } from '../../support/RedisServer';
import { outboxKeys } from '../../../src/outbox/keys';
import { compiledOutbox } from './compiledOutbox';
import { readyClient, sleep, waitFor } from './helpers';
import { WorkerProcess } from './workerProcess';

const N = 2000;
const RANDOM_ROUNDS = 6;
const STREAM = 'crash:outbox';
const POISON = Array.from({ length: N }, (_, i) => i)
  .filter((i) => i % 500 === 7)
  .map((i) => `e-${i}`);

describe('Outbox crash safety with real processes killed by SIGKILL', () => {
  let server: RedisServer;
  let redis: Redis;
  let build: ReturnType<typeof compiledOutbox>;
  const workers: WorkerProcess[] = [];

  const startWorker = (env: Record<string, string | number> = {}): WorkerProcess => {
    const w = WorkerProcess.start({
      REDIS_URL: server.url,
      OUTBOX_MODULE: build.modulePath,
      STREAM,
      CONSUMER: 'worker',
      N,
      ...env,
    });
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    build = compiledOutbox();
    server = await RedisServer.start();
    redis = await readyClient(server.url);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    redis.disconnect();
    await server.stop();
    build.cleanup();
  });

  it('loses no event across crashes at random moments, inside the handler and between handling and acking', async () => {
    const keys = outboxKeys(STREAM);
    const pendingAtKill: number[] = [];

    // Round 1 dies inside the handler of e-40; round 2 right after handling e-80, before its ack.
    const inHandler = startWorker({ KILL_IN_HANDLER: 'e-40' });
    expect((await inHandler.exited).signal).toBe('SIGKILL');
    const afterHandler = startWorker({ KILL_AFTER_HANDLER: 'e-80' });
    expect((await afterHandler.exited).signal).toBe('SIGKILL');

    for (let round = 0; round < RANDOM_ROUNDS; round++) {
      const w = startWorker();
      await w.waitForLine('ready');
      await sleep(100 + Math.random() * 300);
      await w.kill();
      pendingAtKill.push(((await redis.xpending(keys.stream, 'statuskit')) as [number])[0]);
    }

    const last = startWorker();
    await last.waitForLine('produced', 30_000);
    const settled = async (): Promise<boolean> => {
      const [added, handled, review, pending] = await Promise.all([
        redis.smembers('test:added'),
        redis.smembers('test:handled'),
        redis.hkeys(keys.review),
        redis.xpending(keys.stream, 'statuskit') as Promise<[number]>,
      ]);
      const done = new Set([...handled, ...review]);
      return added.length === N && pending[0] === 0 && added.every((id) => done.has(id));
    };
    await waitFor('every added event handled or in manual review', settled, 30_000);
    last.child.kill('SIGTERM');
    expect(await last.exited).toEqual({ code: 0, signal: null });

    const added = await redis.smembers('test:added');
    const handled = new Set(await redis.smembers('test:handled'));
    const review = new Set(await redis.hkeys(keys.review));
    const runs = await redis.hgetall('test:runs');
    const lost = added.filter((id) => !handled.has(id) && !review.has(id));
    const duplicates = Object.values(runs).filter((r) => Number(r) > 1).length;
    console.log(
      `outbox crash test: ${added.length} added, ${handled.size} handled, ${review.size} in manual review, ` +
        `${lost.length} lost, ${duplicates} handled more than once, pending at each kill: ${pendingAtKill.join(', ')}`,
    );
    expect(lost).toEqual([]);
    expect(pendingAtKill.filter((p) => p > 0).length).toBeGreaterThanOrEqual(RANDOM_ROUNDS / 2); // mid-processing
    expect([...review].sort()).toEqual([...POISON].sort());
    expect(handled.has('e-40')).toBe(true);
    expect(Number(runs['e-80'])).toBeGreaterThanOrEqual(2); // handled, killed before the ack, replayed
    for (const id of POISON) expect(Number(await redis.get(`test:runs:${id}`))).toBeLessThanOrEqual(3);
  });
});
