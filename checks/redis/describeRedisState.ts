import type { Redis } from 'ioredis';
import { describeNetError } from '../shared/describeNetError';

/** Why a client that is not `ready` cannot take a command now, in words. */
const STATES: Readonly<Record<string, string>> = Object.freeze({
  wait: 'not connected yet (lazyConnect)',
  connecting: 'connecting',
  connect: 'connected, finishing the handshake (AUTH, SELECT, ready check)',
  reconnecting: 'reconnecting',
  disconnecting: 'disconnecting',
  close: 'disconnected (connection closed)',
  end: 'closed for good (quit()/disconnect() was called or retryStrategy gave up); it will not reconnect',
});

/**
 * Describes an ioredis client (or Cluster) that is not `ready`, with the socket error behind it
 * when there is one, e.g. `'reconnecting: connection refused (connect ECONNREFUSED 127.0.0.1:6379)'`.
 * Reads only public state (`status`, `stream.errored`); adds no listener to the user's client, so
 * ioredis's own "Unhandled error event" reporting is left as the user configured it.
 */
export function describeRedisState(client: { status: string; stream?: Redis['stream'] }): string {
  const state = STATES[client.status] ?? client.status;
  // `errored` is set on a socket destroyed by an error (Node ≥ 18); ioredis keeps the last socket.
  const errored = (client.stream as { errored?: unknown } | undefined)?.errored;
  return errored !== null && errored !== undefined ? `${state}: ${describeNetError(errored)}` : state;
}
