import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './freePort';
import { superviseStart } from './superviseStart';

/** Options for {@link RedisServer.start}. */
export interface RedisServerOptions {
  /** Keep data across kill/restart with an append-only file. @default false */
  persist?: boolean;
  /** Extra `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. */
  args?: string[];
  /** Use this port instead of a free one. */
  port?: number;
}

/**
 * A real `redis-server` on a free loopback port, for the suites that depend on Redis behaviour.
 * It can be frozen (SIGSTOP), resumed, killed and restarted on the same port to prove degradation.
 *
 * @example
 * const server = await RedisServer.start();
 * const client = new Redis(server.url);
 * await server.freeze(); … await server.resume();
 * await server.stop();
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private frozen = false;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly opts: RedisServerOptions,
  ) {}

  /** Starts a server and resolves once it answers PING. */
  static async start(opts: RedisServerOptions = {}): Promise<RedisServer> {
    const port = opts.port ?? (await freePort());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statuskit-redis-'));
    const server = new RedisServer(port, dir, opts);
    await server.spawn();
    return server;
  }

  /** `redis://127.0.0.1:<port>` */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The server process id, while running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  private async spawn(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      '--appendonly',
      this.opts.persist ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--protected-mode',
      'no',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
      ...(this.opts.args ?? []),
    ];
    let child: ChildProcess;
    try {
      child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      throw new Error(`could not start redis-server (install Debian's redis-server): ${String(err)}`);
    }
    this.child = child;
    this.frozen = false;
    await superviseStart(child, {
      name: 'redis-server',
      ready: () => waitForPing(this.port, 10_000),
      kill: () => {
        child.kill('SIGKILL');
        this.child = undefined;
      },
      onExit: () => {
        if (this.child === child) this.child = undefined;
      },
    });
  }

  /** SIGSTOP: the server keeps its connections open but answers nothing. */
  freeze(): void {
    if (this.child?.pid) process.kill(this.child.pid, 'SIGSTOP');
    this.frozen = true;
  }

  /** SIGCONT after {@link freeze}. */
  resume(): void {
    if (this.child?.pid) process.kill(this.child.pid, 'SIGCONT');
    this.frozen = false;
  }

  /** SIGKILL, as a crash; resolves when the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (this.frozen) process.kill(child.pid, 'SIGCONT');
    child.kill('SIGKILL');
    await gone;
    this.child = undefined;
    this.frozen = false;
  }

  /** Starts the server again on the same port (data survives only with `persist`). */
  async restart(): Promise<void> {
    await this.kill();
    await this.spawn();
  }

  /** Kills the server and removes its directory. Safe to call twice. */
  async stop(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Resolves once a raw PING on `port` answers PONG (and LOADING is over). */
export async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await pingOnce(port)) return;
    if (Date.now() > deadline)
      throw new Error(`redis-server on port ${port} did not answer PING in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    // A password-protected server answers NOAUTH: it is up all the same.
    sock.on('data', (d) => done(/^(\+PONG|-NOAUTH)/.test(d.toString())));
  });
}
