import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError } from '../src/errors/ConfigError';
import { toSafeError } from '../src/redaction/redact';
import { delay } from '../src/timing/delay';
import { resolveShutdownOptions, type GracefulShutdownOptions } from './GracefulShutdownOptions';

/** The parts of an `http.Server` (or `https.Server`) the shutdown uses. */
export interface ClosableServer {
  /** Stops accepting connections; the callback runs once every connection has closed. */
  close(callback?: (err?: Error) => void): unknown;
  /** Closes keep-alive sockets that carry no request now (Node ≥ 18.2). */
  closeIdleConnections?(): void;
  /** Closes every socket, busy or not; used when the shutdown is forced (a second signal or the timeout). */
  closeAllConnections?(): void;
  /** Adds a request listener before the existing ones. */
  prependListener(event: 'request', listener: (req: IncomingMessage, res: ServerResponse) => void): unknown;
  /** Removes a request listener. */
  removeListener(event: 'request', listener: (req: IncomingMessage, res: ServerResponse) => void): unknown;
}

/** Where a shutdown is: serving → draining → closing → stopped. */
export type ShutdownState = 'serving' | 'draining' | 'closing' | 'stopped';

/** What {@link gracefulShutdown} returns. */
export interface ShutdownHandle {
  /** The current phase. */
  readonly state: ShutdownState;
  /** Starts the shutdown as a signal would; resolves once the exit function was called. */
  shutdown(reason?: string): Promise<void>;
  /** Removes the signal handlers without shutting down (e.g. in tests). */
  dispose(): void;
}

/** How often idle keep-alive sockets are closed while the server waits for in-flight requests. */
const IDLE_SWEEP_MS = 100;

function assertServer(server: unknown): asserts server is ClosableServer {
  const s = server as Partial<ClosableServer> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.close !== 'function' ||
    typeof s.prependListener !== 'function'
  ) {
    throw new ConfigError('server', server, 'an http.Server');
  }
}

// Every response from now on asks the client to close its keep-alive connection, so clients and
// load balancers move their pooled connections to other instances while this one still answers.
function closeAfterResponse(_req: IncomingMessage, res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}

/**
 * Handles `SIGTERM`/`SIGINT` the Kubernetes way: `manager.drain()` (readiness and `/healthcheck`
 * answer 503 at once), keep serving for `drainDelayMs`, then close the server — idle keep-alive
 * sockets at once, busy ones after their in-flight request — stop the manager, run `onShutdown`
 * and exit 0. A second signal, or `timeoutMs` after the first, forces exit with code 1. The signal
 * handlers exist only from this call until the shutdown completes (never on import).
 *
 * @example
 * const server = app.listen(3000);
 * gracefulShutdown(server, { manager, onShutdown: () => redis.quit() });
 */
export function gracefulShutdown(server: ClosableServer, opts?: GracefulShutdownOptions): ShutdownHandle {
  assertServer(server);
  const o = resolveShutdownOptions(opts);
  const log = o.logger;
  let state: ShutdownState = 'serving';
  let running: Promise<void> | undefined;
  let exited = false;
  let forceTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (running === undefined) void shutdown(signal);
    else force(`second signal ${signal}`);
  };
  for (const s of o.signals) process.on(s, onSignal);

  function dispose(): void {
    for (const s of o.signals) process.removeListener(s, onSignal);
  }

  function finish(code: number): void {
    if (exited) return;
    exited = true;
    dispose();
    clearTimeout(forceTimer);
    clearInterval(sweepTimer);
    server.removeListener('request', closeAfterResponse);
    state = 'stopped';
    o.exit(code);
  }

  function force(reason: string): void {
    if (exited) return;
    log.error({ reason }, `forced exit: ${reason}`);
    server.closeAllConnections?.();
    finish(1);
  }

  function closeServer(): Promise<void> {
    return new Promise((resolve) => {
      server.close(() => resolve()); // also called with ERR_SERVER_NOT_RUNNING: closed either way
      server.closeIdleConnections?.();
      sweepTimer = setInterval(() => server.closeIdleConnections?.(), IDLE_SWEEP_MS);
      sweepTimer.unref();
    });
  }

  async function run(reason: string): Promise<void> {
    state = 'draining';
    log.info({ reason, drainDelayMs: o.drainDelayMs, timeoutMs: o.timeoutMs }, `shutting down (${reason})`);
    forceTimer = setTimeout(() => force(`not done within timeoutMs (${o.timeoutMs} ms)`), o.timeoutMs);
    forceTimer.unref();
    server.prependListener('request', closeAfterResponse);
    let code = 0;
    try {
      o.manager?.drain();
      await delay(o.drainDelayMs);
      if (exited) return;
      state = 'closing';
      await closeServer();
      if (exited) return;
      await o.manager?.stop();
      await o.onShutdown?.();
    } catch (err) {
      code = 1;
      log.error({ err: toSafeError(err) }, 'shutdown step failed');
    }
    if (!exited) log.info({ code }, 'shutdown complete');
    finish(code);
  }

  function shutdown(reason = 'shutdown()'): Promise<void> {
    running ??= run(reason);
    return running;
  }

  return {
    get state() {
      return state;
    },
    shutdown,
    dispose,
  };
}
