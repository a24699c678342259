import type { StatsFs } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { diskCheck } from '../../../checks/diskCheck';
import type { CheckOutcome, Dependency } from '../../../src/dependencies/Dependency';

jest.mock('node:fs/promises', () => ({
  ...jest.requireActual<typeof import('node:fs/promises')>('node:fs/promises'),
  statfs: jest.fn(),
}));

const statfsMock = statfs as unknown as jest.Mock<Promise<Partial<StatsFs>>, [string]>;

interface Deferred {
  resolve: (stats: Partial<StatsFs>) => void;
  reject: (err: Error) => void;
}

/** Every statfs call hangs until the test settles it; returns the calls' handles in call order. */
function hangingStatfs(): Deferred[] {
  const calls: Deferred[] = [];
  statfsMock.mockImplementation(() => new Promise((resolve, reject) => calls.push({ resolve, reject })));
  return calls;
}

const HALF_FREE = { bavail: 50, bsize: 4096, blocks: 100 };

/** Starts a run and advances the fake clock past its timeout: the run's outcome. */
async function runTimingOut(dep: Dependency, timeoutMs: number): Promise<CheckOutcome> {
  const outcome = dep.check({ signal: new AbortController().signal });
  await jest.advanceTimersByTimeAsync(timeoutMs);
  return (await outcome) as CheckOutcome;
}

describe('diskCheck keeps one statfs in flight', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    statfsMock.mockReset();
  });
  afterEach(() => jest.useRealTimers());

  it('reports OUTAGE on every run while one statfs hangs, without starting another', async () => {
    const calls = hangingStatfs();
    const dep = diskCheck('/mnt/stuck', { timeoutMs: 1000 });
    const first = await runTimingOut(dep, 1000);
    expect(first).toEqual({
      status: 'OUTAGE',
      message: 'cannot read free space at /mnt/stuck: no answer within 1000 ms',
    });
    for (let run = 2; run <= 20; run++) {
      const outcome = await runTimingOut(dep, 1000);
      expect(outcome.status).toBe('OUTAGE');
      expect(outcome.message).toBe(
        'cannot read free space at /mnt/stuck: no answer within 1000 ms ' +
          `(a statfs pending for ${run * 1000} ms; no other starts until it returns)`,
      );
    }
    expect(statfsMock).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(1);
  });

  it('starts a fresh statfs on the run after the hung one finally returns', async () => {
    const calls = hangingStatfs();
    const dep = diskCheck('/mnt/slow', { timeoutMs: 1000 });
    for (let run = 0; run < 5; run++) await runTimingOut(dep, 1000);
    expect(calls).toHaveLength(1);
    calls[0].resolve({ bavail: 0, bsize: 4096, blocks: 100 }); // a late, stale answer: never reported
    await Promise.resolve();
    const next = dep.check({ signal: new AbortController().signal });
    expect(calls).toHaveLength(2);
    calls[1].resolve(HALF_FREE);
    expect(await next).toMatchObject({ status: 'OK', observedValue: 0.5 });
    expect(statfsMock).toHaveBeenCalledTimes(2);
  });

  it('lets a run join a statfs still in flight and share its answer', async () => {
    const calls = hangingStatfs();
    const dep = diskCheck('/data', { timeoutMs: 1000 });
    const a = dep.check({ signal: new AbortController().signal });
    await jest.advanceTimersByTimeAsync(400);
    const b = dep.check({ signal: new AbortController().signal });
    calls[0].resolve(HALF_FREE);
    await jest.advanceTimersByTimeAsync(1000); // a second statfs, if one were started, times out
    expect(await a).toMatchObject({ status: 'OK', observedValue: 0.5 });
    expect(await b).toMatchObject({ status: 'OK', observedValue: 0.5 });
    expect(statfsMock).toHaveBeenCalledTimes(1);
  });

  it('starts a fresh statfs after one that failed', async () => {
    const calls = hangingStatfs();
    const dep = diskCheck('/gone', { timeoutMs: 1000 });
    const first = dep.check({ signal: new AbortController().signal });
    calls[0].reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));
    expect(await first).toMatchObject({ status: 'OUTAGE' });
    const second = dep.check({ signal: new AbortController().signal });
    calls[1].resolve(HALF_FREE);
    expect(await second).toMatchObject({ status: 'OK' });
    expect(statfsMock).toHaveBeenCalledTimes(2);
  });

  it('keeps one statfs per check: two checks of the same path each start their own', async () => {
    const calls = hangingStatfs();
    const a = diskCheck('/same', { id: 'a', timeoutMs: 1000 });
    const b = diskCheck('/same', { id: 'b', timeoutMs: 1000 });
    await Promise.all([runTimingOut(a, 1000), runTimingOut(b, 1000)]);
    await Promise.all([runTimingOut(a, 1000), runTimingOut(b, 1000)]);
    expect(calls).toHaveLength(2);
  });
});
