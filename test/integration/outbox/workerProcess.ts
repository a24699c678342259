import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const WORKER = path.join(__dirname, 'fixtures/worker.js');
const NODE_MODULES = path.resolve(__dirname, '../../../node_modules');

/** A running `fixtures/worker.js` process. */
export class WorkerProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private output = '';
  private stderr = '';
  private readonly waiters: { text: string; resolve: (line: string) => void }[] = [];

  private constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      this.output += chunk;
      for (const w of [...this.waiters]) {
        const line = this.output.split('\n').find((l) => l.startsWith(w.text));
        if (line === undefined) continue;
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(line);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts a worker with `env` (plus the module path and NODE_PATH so a private build resolves packages). */
  static start(env: Record<string, string | number>): WorkerProcess {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: NODE_MODULES };
    for (const [k, v] of Object.entries(env)) childEnv[k] = String(v);
    return new WorkerProcess(
      spawn(process.execPath, [WORKER], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
  }

  /** Resolves with the first stdout line starting with `text`; rejects if the process exits first. */
  async waitForLine(text: string, timeoutMs = 15_000): Promise<string> {
    const found = this.output.split('\n').find((l) => l.startsWith(text));
    if (found !== undefined) return found;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<string>((resolve) => this.waiters.push({ text, resolve })),
        this.exited.then((e) => {
          throw new Error(`worker exited (${e.code ?? e.signal}) before "${text}": ${this.stderr}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`worker did not print "${text}": ${this.stderr}`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL, as a crash; resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
