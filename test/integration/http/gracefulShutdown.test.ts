import http from 'node:http';
import net from 'node:net';
import { ensureBuilt, startChild, type ChildService } from './childService';

// Real signals, real sockets, a real child process running the built package: the only way to see
// what a load balancer and Kubernetes see while a pod shuts down.

let svc: ChildService | undefined;

beforeAll(() => ensureBuilt(), 200_000);

afterEach(async () => {
  if (svc && svc.child.exitCode === null && svc.child.signalCode === null) {
    svc.child.kill('SIGKILL');
    await svc.exited;
  }
  svc = undefined;
});

function get(port: number, path: string): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
    });
    req.on('error', reject);
  });
}

/** A keep-alive connection that made one request and now sits idle; resolves `closed` when the server hangs up. */
async function idleKeepAlive(port: number): Promise<{ closed: Promise<void> }> {
  const socket = net.connect(port, '127.0.0.1');
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => {
    socket.once('connect', () =>
      socket.write('GET /fast HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n'),
    );
    socket.once('data', () => resolve());
  });
  return { closed };
}

describe('gracefulShutdown, with real signals in a child process', () => {
  it('drains, keeps serving for drainDelayMs, finishes in-flight requests, closes keep-alive sockets and exits 0', async () => {
    svc = await startChild({ DRAIN_MS: '1000', TIMEOUT_MS: '15000' });
    const { port } = svc;
    expect((await get(port, '/readyz')).status).toBe(200);
    const idle = await idleKeepAlive(port);
    const inFlight = get(port, '/slow?ms=1800'); // outlives the drain delay
    await new Promise((r) => setTimeout(r, 100));

    svc.child.kill('SIGTERM');
    await svc.next('draining');
    expect((await get(port, '/readyz')).status).toBe(503);
    const lb = await get(port, '/healthcheck');
    expect(lb.status).toBe(503);
    expect(JSON.parse(lb.body)).toMatchObject({ dcStatus: 'FAILOVER' });

    const during = await get(port, '/fast'); // inside the drain delay: still served
    expect(during).toMatchObject({ status: 200, body: 'fast', connection: 'close' });

    await idle.closed; // the server hung up the idle keep-alive socket
    expect(await inFlight).toMatchObject({ status: 200, body: 'slow done' });
    expect(await svc.exited).toEqual({ code: 0, signal: null });
    const names = svc.events.map((e) => e.event);
    expect(names).toEqual(['listening', 'draining', 'onShutdown', 'exit']);
    expect(svc.events.find((e) => e.event === 'exit')).toMatchObject({ code: 0, sigtermListeners: 0 });
  }, 30_000);

  it('a second signal forces exit with a non-zero code', async () => {
    svc = await startChild({ DRAIN_MS: '8000', TIMEOUT_MS: '20000' });
    svc.child.kill('SIGTERM');
    await svc.next('draining');
    const started = Date.now();
    svc.child.kill('SIGINT');
    expect(await svc.exited).toEqual({ code: 1, signal: null });
    expect(Date.now() - started).toBeLessThan(5000); // not the 8 s drain delay
    expect(svc.events.map((e) => e.event)).not.toContain('onShutdown');
  }, 30_000);

  it('timeoutMs forces exit with a non-zero code when an in-flight request never ends', async () => {
    svc = await startChild({ DRAIN_MS: '100', TIMEOUT_MS: '1500' });
    const { port } = svc;
    const stuck = get(port, '/slow?ms=60000').catch(() => 'hung up');
    await new Promise((r) => setTimeout(r, 100));
    svc.child.kill('SIGTERM');
    expect(await svc.exited).toEqual({ code: 1, signal: null });
    expect(await stuck).toBe('hung up');
  }, 30_000);
});
