import type { Outbox } from '../../../src/outbox/Outbox';
import { compiledOutbox } from './compiledOutbox';
import { sleep, testOutbox } from './helpers';
import { WorkerProcess } from './workerProcess';
import { waitFor } from '../../support/waitFor';
import { useRedisServer } from '../../support/useRedisServer';

describe('Outbox with several consumers and restarts', () => {
  const { server, redis } = useRedisServer();
  let build: ReturnType<typeof compiledOutbox>;
  const workers: WorkerProcess[] = [];
  const outboxes: Outbox[] = [];

  const startWorker = (env: Record<string, string | number>): WorkerProcess => {
    const w = WorkerProcess.start({ REDIS_URL: server().url, OUTBOX_MODULE: build.modulePath, ...env });
    workers.push(w);
    return w;
  };
  const pendingOf = async (stream: string, consumer: string): Promise<number> =>
    (await redis().xpending(stream, 'statuskit', '-', '+', 1000, consumer)).length;

  beforeAll(async () => {
    build = compiledOutbox();
  });
  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((o) => o.stop()));
    await Promise.all(workers.splice(0).map((w) => w.kill()));
    await redis().flushall();
  });
  afterAll(async () => {
    build.cleanup();
  });

  it("claims a killed consumer's idle entries, and never a live consumer's", async () => {
    const stream = 'claim:outbox';
    const handledByB: string[] = [];
    const b = testOutbox({
      redis: redis(),
      stream,
      consumer: 'b',
      claimIdleMs: 500,
      handler: async (e) => void handledByB.push(e.id),
    });
    outboxes.push(b);
    const a = startWorker({ STREAM: stream, CONSUMER: 'a', MODE: 'hang', CLAIM_IDLE_MS: 500 });
    await a.waitForLine('ready');
    const ids = await Promise.all(
      Array.from({ length: 10 }, (_, i) => b.add({ type: 'work', payload: i, id: `c-${i}` })),
    );
    await waitFor(async () => (await pendingOf(b.streamKey, 'a')) === 10, {
      timeoutMs: 10_000,
      what: 'consumer a holding all ten',
    });

    b.start();
    await sleep(1500); // three claim periods: a is alive and its heartbeat keeps its entries fresh
    expect(handledByB).toEqual([]);
    expect(await pendingOf(b.streamKey, 'a')).toBe(10);

    await a.kill();
    await waitFor(() => handledByB.length === 10, {
      timeoutMs: 15_000,
      what: 'b handled every entry a held',
    });
    expect([...handledByB].sort()).toEqual([...ids].sort());
    expect(await pendingOf(b.streamKey, 'a')).toBe(0);
    await waitFor(async () => (await pendingOf(b.streamKey, 'b')) === 0, {
      timeoutMs: 10_000,
      what: 'nothing pending',
    });
  });

  it('parks a poison event after exactly maxAttempts runs across a kill -9, and requeue runs it again', async () => {
    const stream = 'poison:outbox';
    const id = 'poison-1';
    const runs = (): Promise<number> => redis().get(`test:runs:${id}`).then(Number);
    const worker = startWorker({ STREAM: stream, CONSUMER: 'p', MAX_ATTEMPTS: 3, BACKOFF_MS: 400 });
    await worker.waitForLine('ready');

    let healed = false;
    const outbox = testOutbox({
      redis: redis(),
      stream,
      consumer: 'p',
      maxAttempts: 3,
      handler: async (e) => {
        await redis().incr(`test:runs:${e.id}`);
        if (!healed) throw new Error('still poison, token=abc123');
      },
    });
    outboxes.push(outbox);
    await outbox.add({ type: 'poison', payload: { why: 'always fails' }, id });
    await waitFor(async () => (await runs()) === 2, {
      timeoutMs: 10_000,
      what: 'two failed runs in the worker',
    });
    await worker.kill(); // during the backoff before run 3

    expect(await outbox.recoverPending()).toEqual({ recovered: 0, manualReview: 1 });
    expect(await runs()).toBe(3);
    const [parked] = await outbox.manualReview();
    expect(parked).toMatchObject({ id, type: 'poison', status: 'MANUAL_REVIEW_REQUIRED', attempts: 3 });
    expect(parked.payload).toEqual({ why: 'always fails' });
    expect(parked.lastError).toEqual({ name: 'Error', message: 'still poison, token=***' });

    healed = true;
    expect(await outbox.requeue(id)).toBe(true);
    expect(await outbox.requeue(id)).toBe(false);
    outbox.start();
    await waitFor(async () => (await runs()) === 4, { timeoutMs: 10_000, what: 'the requeued event ran' });
    await waitFor(async () => (await pendingOf(outbox.streamKey, 'p')) === 0, {
      timeoutMs: 10_000,
      what: 'nothing pending',
    });
    expect(await outbox.manualReview()).toEqual([]);
  });

  it('parks an event that kills the process every time after at most maxAttempts + 1 crashes', async () => {
    const stream = 'killer:outbox';
    const outbox = testOutbox({ redis: redis(), stream, consumer: 'k', maxAttempts: 3 });
    await outbox.add({ type: 'killer', payload: {}, id: 'killer-1' });
    let crashes = 0;
    for (;;) {
      const w = startWorker({ STREAM: stream, CONSUMER: 'k', MAX_ATTEMPTS: 3 });
      const ended = await Promise.race([
        w.exited.then(() => 'crashed'),
        w.waitForLine('ready').then(() => 'ready'),
      ]);
      if (ended === 'ready' && (await outbox.manualReview()).length > 0) break;
      if ((await w.exited).signal === 'SIGKILL') crashes++;
      expect(crashes).toBeLessThanOrEqual(4);
    }
    expect(crashes).toBe(4);
    expect(Number(await redis().get('test:runs:killer-1'))).toBe(4);
    const [parked] = await outbox.manualReview();
    expect(parked).toMatchObject({
      id: 'killer-1',
      attempts: 3,
      lastError: { name: 'OutboxRunInterrupted' },
    });
  });
});
