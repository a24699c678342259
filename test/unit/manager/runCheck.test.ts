import { resolveManagerOptions } from '../../../src/manager/DependencyManagerOptions';
import { resolveDependency } from '../../../src/manager/resolveDependency';
import { interpretOutcome, runCheck } from '../../../src/manager/runCheck';
import type { Dependency } from '../../../src/dependencies/Dependency';

const defaults = resolveManagerOptions({ registry: false });
const now = (): number => 42;

function run(check: Dependency['check'], extra: Partial<Dependency> = {}, signal?: AbortSignal) {
  return runCheck(resolveDependency({ id: 'dep', ...extra, check }, defaults), now, signal);
}

describe('running one check', () => {
  it('returning nothing is OK, message ok', async () => {
    const o = await run(() => undefined);
    expect([o.kind, o.status, o.message, o.startedAt]).toEqual(['ok', 'OK', 'ok', 42]);
  });

  it('keeps the outcome’s status, message and observed value', async () => {
    const o = await run(async () => ({
      status: 'MINOR',
      message: 'lag 3s',
      observedValue: 3,
      observedUnit: 's',
    }));
    expect(o).toMatchObject({
      kind: 'failure',
      status: 'MINOR',
      message: 'lag 3s',
      observedValue: 3,
      observedUnit: 's',
    });
  });

  it('throwing synchronously is an OUTAGE with the error kept, without its stack', async () => {
    const o = await run(() => {
      throw new Error('ECONNREFUSED', { cause: new TypeError('socket') });
    });
    expect(o).toMatchObject({ kind: 'failure', status: 'OUTAGE', message: 'Exception thrown during ping' });
    expect(o.error).toEqual({
      name: 'Error',
      message: 'ECONNREFUSED',
      cause: { name: 'TypeError', message: 'socket' },
    });
  });

  it('rejecting with a non-Error is an OUTAGE too', async () => {
    const o = await run(() => Promise.reject({ code: 42 }));
    expect(o.status).toBe('OUTAGE');
    expect(o.error).toEqual({ name: 'NonError', message: '{"code":42}' });
  });

  it.each([
    ['a string', 'fine', /got "fine"/],
    ['a number', 1, /got 1/],
    ['an unknown status', { status: 'GREEN' }, /got status "GREEN"/],
    ['an object without status', { ok: true }, /got status undefined/],
    ['an array', [], /got an array/],
  ])('returning %s is an OUTAGE saying what was wrong', async (_what, value, message) => {
    const o = await run(() => value as never);
    expect(o.status).toBe('OUTAGE');
    expect(o.message).toMatch(/^Invalid check result: expected nothing or \{ status/);
    expect(o.message).toMatch(message);
  });

  it('a message carrying credentials is redacted', async () => {
    const o = await run(() => ({ status: 'OUTAGE', message: 'cannot reach redis://app:s3cret@db:6379' }));
    expect(o.message).toBe('cannot reach redis://***@db:6379');
  });

  it('a non-finite observed value is dropped', async () => {
    const o = await run(() => ({ status: 'OK', observedValue: NaN, observedUnit: 'ms' }));
    expect(o).not.toHaveProperty('observedValue');
    expect(o).not.toHaveProperty('observedUnit');
  });

  it('a toggle that throws is an OUTAGE and the check does not run', async () => {
    const check = jest.fn();
    const o = await run(check, {
      toggle: () => {
        throw new Error('flag store down');
      },
    });
    expect([o.status, o.message, o.error?.message]).toEqual([
      'OUTAGE',
      'Exception thrown by toggle',
      'flag store down',
    ]);
    expect(check).not.toHaveBeenCalled();
  });

  it('a run stopped by the manager is reported as aborted, not as a failure', async () => {
    const controller = new AbortController();
    const p = run(() => new Promise(() => undefined), { timeoutMs: 0 }, controller.signal);
    controller.abort();
    expect((await p).kind).toBe('aborted');
  });

  it('a check that throws a timeout error of its own is a thrown exception, not our timeout', async () => {
    const err = Object.assign(new Error('socket timeout'), { name: 'TimeoutError' });
    const o = await run(() => Promise.reject(err));
    expect(o.message).toBe('Exception thrown during ping');
  });
});

describe('the timeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('a check that never settles is an OUTAGE at exactly timeoutMs, and its signal is aborted', async () => {
    let signal: AbortSignal | undefined;
    let settled = false;
    const p = run(
      (ctx) => {
        signal = ctx.signal;
        return new Promise(() => undefined);
      },
      { timeoutMs: 300 },
    ).then((o) => {
      settled = true;
      return o;
    });
    await jest.advanceTimersByTimeAsync(299);
    expect(settled).toBe(false);
    expect(signal?.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const o = await p;
    expect(o).toMatchObject({ kind: 'timeout', status: 'OUTAGE', message: 'Timed out prior to completion' });
    expect(o.error?.name).toBe('TimeoutError');
    expect(signal?.aborted).toBe(true);
  });

  it('timeoutMs 0 means no timeout', async () => {
    let settled = false;
    const p = run(() => new Promise((r) => setTimeout(r, 60_000)), { timeoutMs: 0 }).then((o) => {
      settled = true;
      return o;
    });
    await jest.advanceTimersByTimeAsync(59_999);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect((await p).status).toBe('OK');
  });
});

describe('interpretOutcome', () => {
  it('null means OK like undefined', () => {
    expect(interpretOutcome(null)).toEqual({ status: 'OK', message: 'ok' });
  });
  it('a status without a message gets the status name as message', () => {
    expect(interpretOutcome({ status: 'MAJOR' })).toEqual({ status: 'MAJOR', message: 'major' });
  });
});
