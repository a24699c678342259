import Redis from 'ioredis';

/**
 * A test client that never waits on the offline queue (fails fast while disconnected), and whose
 * `disconnect()` leaves no timer: ioredis otherwise arms a ref'd 2 s timer that only the socket's
 * `close` clears, so disconnecting a client whose server a test stopped would hold the jest worker.
 */
export function testClient(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => 100,
    disconnectTimeout: 0,
  });
}

/** {@link testClient}, resolved once connected. */
export async function readyClient(url: string): Promise<Redis> {
  const client = testClient(url);
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  return client;
}
