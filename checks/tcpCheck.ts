import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Dependency, DependencyOptions } from '../src/dependencies/Dependency';
import { TimeoutError } from '../src/errors/TimeoutError';
import { abortReason } from '../src/timing/delay';
import { withTimeout } from '../src/timing/withTimeout';
import { assertNonEmptyString, assertNumber, assertOptions } from '../src/validation/assert';
import { describeNetError } from './shared/describeNetError';
import { idFromHost, resolveCheckBase, roundMs, toDependency } from './shared/resolveCheckBase';

/** Where {@link tcpCheck} connects. */
export interface TcpTarget {
  /** Host name or IP address to connect to. */
  host: string;
  /** TCP port, 1–65535. */
  port: number;
}

/** Options of {@link tcpCheck}: every `Dependency` field. */
export interface TcpCheckOptions extends DependencyOptions {
  /** @default 'tcp-<host>-<port>' */
  id?: string;
  /** @default 'tcp' */
  type?: string;
}

/** Defaults of {@link TcpCheckOptions} beyond the `Dependency` ones. */
export const TCP_CHECK_DEFAULTS = Object.freeze({ type: 'tcp' });

/**
 * A dependency that opens a TCP connection to `host:port` and closes it at once: connected → OK
 * (`observedValue`: connect time in ms); refused, unreachable or no answer within `timeoutMs`
 * (default 2000) or before the run's `AbortSignal` → OUTAGE with the reason.
 *
 * @example
 * manager.register(tcpCheck({ host: 'db.internal', port: 5432 }, { urgency: 'REQUIRED' }));
 */
export function tcpCheck(target: TcpTarget, opts: TcpCheckOptions = {}): Dependency {
  const t = assertOptions<TcpTarget>('target', target);
  const host = assertNonEmptyString('host', t.host);
  const port = assertNumber('port', t.port, { integer: true, min: 1, max: 65_535 });
  const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const base = resolveCheckBase(opts, {
    id: idFromHost('tcp', `${host}-${port}`),
    type: TCP_CHECK_DEFAULTS.type,
    description: `TCP ${where}`,
  });
  return toDependency(base, async ({ signal }) => {
    const started = performance.now();
    try {
      await withTimeout((s) => connectOnce(host, port, s), base.timeoutMs, `connect to ${where}`, signal);
      const ms = roundMs(performance.now() - started);
      return {
        status: 'OK',
        message: `connected to ${where} in ${ms} ms`,
        observedValue: ms,
        observedUnit: 'ms',
      };
    } catch (err) {
      return { status: 'OUTAGE', message: `cannot connect to ${where}: ${describeFailure(err, signal)}` };
    }
  });
}

function describeFailure(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'aborted before the connection was made';
  if (err instanceof TimeoutError) return `no answer within ${err.timeoutMs} ms`;
  return describeNetError(err);
}

/** Connects, then destroys the socket; the socket never outlives the call (abort included). */
function connectOnce(host: string, port: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port });
    let settled = false;
    const settle = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err === undefined) resolve();
      else reject(err);
    };
    const onAbort = (): void => settle(abortReason(signal));
    socket.once('connect', () => settle());
    // Stays attached: an error after we settled must not become an uncaught exception.
    socket.on('error', (err) => settle(err));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
