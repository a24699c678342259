import { EventEmitter } from 'node:events';
import { gracefulShutdown, type ClosableServer } from '../../../middleware/gracefulShutdown';
import { isStatuskitError } from '../../../src/errors/StatuskitError';
import { logSink } from '../../support/logSink';

/** A server double whose close() completes when the test says so. */
class FakeServer extends EventEmitter implements ClosableServer {
  closeCalls = 0;
  idleSweeps = 0;
  allClosed = 0;
  private done: (() => void) | undefined;
  close(cb?: () => void): this {
    this.closeCalls++;
    this.done = cb;
    return this;
  }
  closeIdleConnections(): void {
    this.idleSweeps++;
  }
  closeAllConnections(): void {
    this.allClosed++;
  }
  /** The last connection ended. */
  finishClose(): void {
    this.done?.();
  }
}

function kit(opts: Record<string, unknown> = {}) {
  const server = new FakeServer();
  const calls: string[] = [];
  const manager = {
    drain: jest.fn(() => void calls.push('drain')),
    stop: jest.fn(async () => void calls.push('stop')),
  };
  const exit = jest.fn((code: number) => void calls.push(`exit ${code}`));
  const onShutdown = jest.fn(async () => void calls.push('onShutdown'));
  const handle = gracefulShutdown(server, {
    manager,
    exit,
    onShutdown,
    drainDelayMs: 1000,
    timeoutMs: 5000,
    ...opts,
  });
  return { server, manager, exit, onShutdown, handle, calls };
}

const baseline = { SIGTERM: 0, SIGINT: 0 };

beforeEach(() => {
  jest.useFakeTimers();
  baseline.SIGTERM = process.listenerCount('SIGTERM');
  baseline.SIGINT = process.listenerCount('SIGINT');
});

afterEach(() => {
  jest.useRealTimers();
});

describe('gracefulShutdown', () => {
  it('installs its signal handlers only when called, never on import', async () => {
    await jest.isolateModulesAsync(async () => {
      await import('../../../middleware/gracefulShutdown');
    });
    expect(process.listenerCount('SIGTERM')).toBe(baseline.SIGTERM);
    const { handle } = kit();
    expect(process.listenerCount('SIGTERM')).toBe(baseline.SIGTERM + 1);
    expect(process.listenerCount('SIGINT')).toBe(baseline.SIGINT + 1);
    handle.dispose();
    expect(process.listenerCount('SIGTERM')).toBe(baseline.SIGTERM);
  });

  it('drains at once, closes after drainDelayMs, then stops the manager, runs onShutdown and exits 0', async () => {
    const { server, handle, calls } = kit();
    process.emit('SIGTERM', 'SIGTERM');
    expect(calls).toEqual(['drain']);
    expect(handle.state).toBe('draining');
    await jest.advanceTimersByTimeAsync(999);
    expect(server.closeCalls).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(server.closeCalls).toBe(1);
    expect(handle.state).toBe('closing');
    await jest.advanceTimersByTimeAsync(300);
    expect(server.idleSweeps).toBeGreaterThanOrEqual(3); // idle keep-alive sockets keep being closed
    expect(calls).toEqual(['drain']); // waits for in-flight requests
    server.finishClose();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['drain', 'stop', 'onShutdown', 'exit 0']);
    expect(handle.state).toBe('stopped');
    expect(process.listenerCount('SIGTERM')).toBe(baseline.SIGTERM);
    expect(process.listenerCount('SIGINT')).toBe(baseline.SIGINT);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('forces exit 1 on a second signal', async () => {
    const { server, calls } = kit();
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual(['drain', 'exit 1']);
    expect(server.allClosed).toBe(1);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(calls).toEqual(['drain', 'exit 1']); // nothing runs after a forced exit
    expect(process.listenerCount('SIGTERM')).toBe(baseline.SIGTERM);
  });

  it('forces exit 1 after timeoutMs when the server never finishes closing', async () => {
    const { calls, handle } = kit();
    void handle.shutdown('deploy');
    await jest.advanceTimersByTimeAsync(4999);
    expect(calls).toEqual(['drain']);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['drain', 'exit 1']);
  });

  it('exits 1 and logs when a shutdown step fails, without leaking the error text', async () => {
    const { logger, lines } = logSink();
    const { server, calls } = kit({
      logger,
      onShutdown: () => Promise.reject(new Error('pool close failed: postgres://app:s3cret@db/app')),
    });
    process.emit('SIGTERM', 'SIGTERM');
    await jest.advanceTimersByTimeAsync(1000);
    server.finishClose();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['drain', 'stop', 'exit 1']);
    expect(JSON.stringify(lines)).not.toContain('s3cret');
    expect(lines.some((l) => l.msg === 'shutdown step failed')).toBe(true);
  });

  it('with signals: [] installs no handler and shuts down only through shutdown()', async () => {
    const { server, handle, calls } = kit({ signals: [], drainDelayMs: 0 });
    expect(process.listenerCount('SIGTERM')).toBe(baseline.SIGTERM);
    process.emit('SIGTERM', 'SIGTERM');
    expect(calls).toEqual([]);
    const done = handle.shutdown();
    await jest.advanceTimersByTimeAsync(0);
    server.finishClose();
    await done;
    expect(calls).toEqual(['drain', 'stop', 'onShutdown', 'exit 0']);
  });

  it('calling shutdown() twice runs one shutdown', async () => {
    const { server, handle, calls } = kit({ drainDelayMs: 0 });
    const a = handle.shutdown();
    const b = handle.shutdown();
    await jest.advanceTimersByTimeAsync(0);
    server.finishClose();
    await Promise.all([a, b]);
    expect(calls).toEqual(['drain', 'stop', 'onShutdown', 'exit 0']);
  });

  it.each([
    [{ drainDelayMs: 6000, timeoutMs: 5000 }, 'drainDelayMs'],
    [{ drainDelayMs: -1 }, 'drainDelayMs'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeoutMs: 1.5 }, 'timeoutMs'],
    [{ signals: 'SIGTERM' }, 'signals'],
    [{ signals: ['SIGKILL'] }, 'signals'],
    [{ signals: ['SIGNOPE'] }, 'signals'],
    [{ exit: 'no' }, 'exit'],
    [{ onShutdown: 1 }, 'onShutdown'],
    [{ manager: {} }, 'manager'],
  ])('rejects %p at construction with a ConfigError naming %s', (opts, option) => {
    const before = process.listenerCount('SIGTERM');
    expect(() => gracefulShutdown(new FakeServer(), opts as never)).toThrow(
      expect.objectContaining({ code: 'ERR_STATUSKIT_CONFIG', option }),
    );
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('rejects something that is not a server', () => {
    let error: unknown;
    try {
      gracefulShutdown({} as never);
    } catch (e) {
      error = e;
    }
    expect(isStatuskitError(error, 'ERR_STATUSKIT_CONFIG')).toBe(true);
    expect((error as Error).message).toContain('`server`');
  });
});
