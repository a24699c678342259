import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from './freePort';
import { superviseStart } from './superviseStart';

/** Where Debian's PostgreSQL 15 keeps its server binaries. */
export const PG_BIN = process.env.STATUSKIT_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Options for {@link PostgresServer.start}. */
export interface PostgresServerOptions {
  /** Extra `-c name=value` settings, e.g. `['max_connections=200']`. */
  settings?: string[];
}

/**
 * A real PostgreSQL server on a free loopback port, for the suites that depend on its behaviour.
 * `initdb` and `postgres` refuse to run as root, so both run as the `postgres` system user (the
 * data directory is a temp dir it owns). Loopback connections are trusted (user `postgres`, no
 * password). Like `RedisServer` it can be frozen (SIGSTOP of the whole process group: the
 * postmaster and every backend), resumed, killed and restarted on the same port with its data.
 *
 * @example
 * const server = await PostgresServer.start();
 * const pool = new Pool({ connectionString: server.url });
 * server.freeze(); … server.resume();
 * await server.stop();
 */
export class PostgresServer {
  private child: ChildProcess | undefined;
  private frozen = false;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly opts: PostgresServerOptions,
  ) {}

  /** Creates a cluster, starts it and resolves once it answers `SELECT 1`. */
  static async start(opts: PostgresServerOptions = {}): Promise<PostgresServer> {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statuskit-pg-'));
    const { uid, gid } = postgresUser();
    fs.chownSync(dir, uid, gid);
    const server = new PostgresServer(port, dir, opts);
    const init = spawnSync(
      path.join(PG_BIN, 'initdb'),
      ['-D', server.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
      { uid, gid, cwd: dir, encoding: 'utf8', timeout: 120_000 },
    );
    if (init.status !== 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`initdb failed (${init.status}): ${init.error?.message ?? ''} ${init.stderr}`);
    }
    await server.spawn();
    return server;
  }

  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** The postmaster's process id, while running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  private get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  private async spawn(): Promise<void> {
    const { uid, gid } = postgresUser();
    const settings = [
      `listen_addresses=127.0.0.1`,
      'fsync=off',
      'full_page_writes=off',
      'max_connections=200',
      ...(this.opts.settings ?? []),
    ];
    const args = ['-D', this.dataDir, '-p', String(this.port), '-k', this.dir];
    for (const s of settings) args.push('-c', s);
    // detached: the postmaster leads its own process group, so freeze/kill reach every backend.
    const child = spawn(path.join(PG_BIN, 'postgres'), args, {
      uid,
      gid,
      cwd: this.dir,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    this.frozen = false;
    await superviseStart(child, {
      name: 'postgres',
      ready: () => waitForQuery(this.url, 30_000),
      kill: () => {
        signalAll(child, 'SIGKILL');
        this.child = undefined;
      },
      onExit: () => {
        if (this.child === child) this.child = undefined;
      },
    });
  }

  /** SIGSTOP to the postmaster, then to every backend: connections stay open, nothing answers. */
  freeze(): void {
    if (this.child) signalAll(this.child, 'SIGSTOP');
    this.frozen = true;
  }

  /** SIGCONT after {@link freeze}. */
  resume(): void {
    if (this.child) signalAll(this.child, 'SIGCONT');
    this.frozen = false;
  }

  /** SIGKILL to the whole group, as a crash; resolves when the postmaster is gone. */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  /** Fast shutdown (SIGINT): sessions are ended, the data is kept. */
  async shutdown(): Promise<void> {
    await this.end('SIGINT');
  }

  /** Starts the server again on the same port, with its data. */
  async restart(): Promise<void> {
    await this.shutdown();
    await this.spawn();
  }

  /** Starts a server that was shut down or killed, on the same port. */
  async startAgain(): Promise<void> {
    if (!this.child) await this.spawn();
  }

  /** Shuts the server down and removes its directory. Safe to call twice. */
  async stop(): Promise<void> {
    await this.shutdown();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const backends = childPids(child.pid);
    if (this.frozen) signalAll(child, 'SIGCONT');
    if (signal === 'SIGKILL') signalAll(child, signal);
    else killGroup(child, signal);
    const timer = setTimeout(() => signalAll(child, 'SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
    if (signal === 'SIGKILL') await waitForChildrenGone(child.pid, backends);
    this.child = undefined;
    this.frozen = false;
  }
}

let cachedUser: { uid: number; gid: number } | undefined;

/** The `postgres` system user's ids (Debian's `postgresql` package creates it). */
function postgresUser(): { uid: number; gid: number } {
  if (cachedUser) return cachedUser;
  const read = (flag: string): number => {
    const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error("no `postgres` system user: install Debian's postgresql package");
    return Number(r.stdout.trim());
  };
  cachedUser = { uid: read('-u'), gid: read('-g') };
  return cachedUser;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * The postmaster's children (backends, background workers), read from /proc. Each calls setsid(),
 * so a signal to the postmaster's process group does not reach them.
 */
function childPids(ppid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, ppid, …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) pids.push(Number(entry));
    } catch {
      // Exited while we read.
    }
  }
  return pids;
}

/** Signals the postmaster first (so it forks nothing new), then each child. */
function signalAll(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  const send = (pid: number): void => {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  };
  // Read before (a killed postmaster's children are re-parented) and after (a fork in between).
  const before = childPids(child.pid);
  if (signal === 'SIGCONT') before.forEach(send);
  send(child.pid);
  new Set([...before, ...childPids(child.pid)]).forEach(send);
}

/** After a SIGKILL, backends may outlive the postmaster by a moment; a restart needs them gone. */
async function waitForChildrenGone(ppid: number, pids: number[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  while (Date.now() < deadline && (pids.some(alive) || childPids(ppid).length > 0)) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves once `SELECT 1` answers on `url`. */
export async function waitForQuery(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (err) {
      last = err;
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      throw new Error(`postgres at ${url} did not answer in ${timeoutMs} ms: ${String(last)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
