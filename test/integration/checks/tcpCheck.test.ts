import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tcpCheck } from '../../../checks/tcpCheck';
import { freePort } from '../../support/freePort';
import { RedisServer } from '../../support/RedisServer';
import { MARGIN_MS, runCheck } from './helpers';

describe('tcpCheck against a real TCP listener', () => {
  let server: net.Server;
  let port: number;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    server = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers OK with the connect time, and closes the connection it opened', async () => {
    const check = tcpCheck({ host: '127.0.0.1', port });
    expect(check).toMatchObject({
      id: `tcp-127.0.0.1-${port}`,
      type: 'tcp',
      description: `TCP 127.0.0.1:${port}`,
    });
    const outcome = await runCheck(check);
    expect(outcome).toMatchObject({ status: 'OK', observedUnit: 'ms' });
    expect(outcome.message).toMatch(new RegExp(`^connected to 127\\.0\\.0\\.1:${port} in [\\d.]+ ms$`));
    await new Promise((r) => setTimeout(r, 100));
    expect(sockets.size).toBe(0);
  });

  it('answers OUTAGE, connection refused, for a closed port', async () => {
    const closed = await freePort();
    const outcome = await runCheck(tcpCheck({ host: '127.0.0.1', port: closed }, { id: 'closed' }));
    expect(outcome).toEqual(
      expect.objectContaining({
        status: 'OUTAGE',
        message: `cannot connect to 127.0.0.1:${closed}: connection refused (connect ECONNREFUSED 127.0.0.1:${closed})`,
      }),
    );
  });

  it('answers OUTAGE within its timeout when the handshake never completes', async () => {
    // A frozen listener whose accept queue is full: the kernel drops further SYNs, so connecting hangs.
    const frozen = await RedisServer.start({ args: ['--tcp-backlog', '1'] });
    const fillers: net.Socket[] = [];
    try {
      frozen.freeze();
      for (let i = 0; i < 4; i++) {
        const s = net.connect(frozen.port, '127.0.0.1');
        s.on('error', () => undefined);
        fillers.push(s);
      }
      await new Promise((r) => setTimeout(r, 200));
      const outcome = await runCheck(tcpCheck({ host: '127.0.0.1', port: frozen.port }, { timeoutMs: 300 }));
      expect(outcome.status).toBe('OUTAGE');
      expect(outcome.message).toBe(`cannot connect to 127.0.0.1:${frozen.port}: no answer within 300 ms`);
      expect(outcome.elapsedMs).toBeLessThan(300 + MARGIN_MS);
    } finally {
      for (const s of fillers) s.destroy();
      await frozen.stop();
    }
  });
});
