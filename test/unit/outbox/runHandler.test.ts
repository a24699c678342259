import { TimeoutError } from '../../../src/errors/TimeoutError';
import type { OutboxEvent, OutboxHandlerContext } from '../../../src/outbox/OutboxEvent';
import { RunTimer, runHandler } from '../../../src/outbox/runHandler';

const event = {
  id: 'e',
  type: 't',
  payload: 1,
  createdAt: 0,
  attempts: 1,
  streamId: '1-0',
  status: 'PENDING',
} as OutboxEvent<number>;

describe('runHandler', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves with a TimeoutError and aborts the signal when the handler outlasts its bound, run after run on one timer', async () => {
    const signals: AbortSignal[] = [];
    let settleFirst!: () => void;
    const late: string[] = [];
    const opts = {
      handlerTimeoutMs: 100,
      handler: (_e: OutboxEvent<number>, { signal }: OutboxHandlerContext): Promise<void> => {
        signals.push(signal);
        return signals.length === 1
          ? new Promise<void>((r) => (settleFirst = r))
          : new Promise<void>(() => undefined);
      },
    };
    const timer = new RunTimer(100);
    const first = runHandler(opts, event, timer, (o) => late.push(o));
    await jest.advanceTimersByTimeAsync(99);
    expect(signals[0].aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const outcome = await first;
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(signals[0].reason).toBe(outcome);

    const second = runHandler(opts, event, timer, (o) => late.push(o));
    settleFirst(); // the first run settles late: reported, and the second run's timeout still holds
    await jest.advanceTimersByTimeAsync(100);
    expect(late).toEqual(['fulfilled']);
    expect(await second).toBeInstanceOf(TimeoutError);
    expect(signals[1].aborted).toBe(true);
    timer.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('resolves undefined for a handler that fulfils, rejects with its error (a synchronous throw too), and never aborts the signal', async () => {
    const timer = new RunTimer(100);
    let seen: AbortSignal | undefined;
    const ok = {
      handlerTimeoutMs: 100,
      handler: async (_e: unknown, c: OutboxHandlerContext) => void (seen = c.signal),
    };
    await expect(runHandler(ok, event, timer, () => undefined)).resolves.toBeUndefined();
    const boom = new Error('boom');
    const throws = {
      handlerTimeoutMs: 100,
      handler: (): Promise<void> => {
        throw boom;
      },
    };
    await expect(runHandler(throws, event, timer, () => undefined)).rejects.toBe(boom);
    await jest.advanceTimersByTimeAsync(500);
    expect(seen?.aborted).toBe(false);
    timer.stop();
  });
});
