import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './freePort';
import { waitFor } from './waitFor';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/examples/demo/main.js');

/** Builds `dist/` when a test runs without `npm test` having built it (`file`: the output it needs). */
export function ensureBuilt(file = MAIN): void {
  if (!fs.existsSync(file))
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
}

/** The part of the demo's detailed report the tests read. */
export type DemoReport = { condition: string; results: Record<string, { id: string; status: string }[]> };

/**
 * The demo shop (`npm run demo`) running in a child process on a free port, as a user starts it.
 */
export class DemoProcess {
  readonly output: string[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly token: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<DemoProcess> {
    ensureBuilt();
    const port = await freePort();
    const token = 'demo-test-token-0123456789abcdef';
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        STATUSKIT_TOKEN: token,
        LOG_LEVEL: 'warn',
        DRAIN_DELAY_MS: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const demo = new DemoProcess(child, port, token);
    child.stdout?.on('data', (d: Buffer) => demo.output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => demo.output.push(d.toString()));
    await demo.waitFor(
      async () => (await fetch(`${demo.url}/readyz`)).status === 200,
      20_000,
      'the demo to become ready',
    );
    return demo;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Makes a simulated dependency `ok`, `slow` or `failing` through the token-guarded admin route. */
  async simulate(service: string, mode: 'ok' | 'slow' | 'failing'): Promise<void> {
    const res = await fetch(`${this.url}/admin/simulate/${service}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode }),
    });
    if (res.status !== 200) throw new Error(`simulate ${service} ${mode}: ${res.status}`);
  }

  /** The detailed report (`GET /healthcheck/details`, full from loopback). */
  async report(): Promise<DemoReport> {
    return (await fetch(`${this.url}/healthcheck/details`)).json() as Promise<DemoReport>;
  }

  /** Polls `predicate` until it holds or `timeoutMs` passes. */
  async waitFor(predicate: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    await waitFor(
      () => {
        if (this.child.exitCode !== null)
          throw new Error(`demo exited (${this.child.exitCode}): ${this.output.join('')}`);
        return predicate().catch(() => false);
      },
      { timeoutMs, intervalMs: 100, what },
    );
  }

  /** SIGTERM, then waits for the graceful exit. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}
