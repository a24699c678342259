import Redis from 'ioredis';

/** A test client that never waits on the offline queue (fails fast while disconnected). */
export function testClient(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 100 });
}

/** {@link testClient}, resolved once connected. */
export async function readyClient(url: string): Promise<Redis> {
  const client = testClient(url);
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  return client;
}
