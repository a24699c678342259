import { spawn } from 'node:child_process';
import path from 'node:path';

const HOOK = path.join(__dirname, '..', '..', 'support', 'tsHook.js');

/** How a fixture process ended. */
export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** It was still running after `killAfterMs` and was killed. */
  timedOut: boolean;
  /** Wall time from spawn to exit, in ms. */
  ms: number;
  /** Every stdout line that parsed as JSON. */
  messages: Record<string, unknown>[];
}

/**
 * Runs `test/reliability/fixtures/<fixture>.ts` in a plain `node` process (TypeScript transpiled on
 * load) and resolves when it exits, or kills it after `killAfterMs`.
 */
export function runFixture(
  fixture: string,
  opts: { args?: string[]; env?: Record<string, string>; nodeArgs?: string[]; killAfterMs: number },
): Promise<ChildRun> {
  const file = path.join(__dirname, '..', 'fixtures', `${fixture}.ts`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--no-warnings', ...(opts.nodeArgs ?? []), '-r', HOOK, file, ...(opts.args ?? [])],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.killAfterMs);
    // 'close' fires once the process exited and its stdout/stderr were read to the end.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const messages: Record<string, unknown>[] = [];
      for (const line of stdout.split('\n')) {
        try {
          const parsed: unknown = JSON.parse(line);
          if (typeof parsed === 'object' && parsed !== null) messages.push(parsed as Record<string, unknown>);
        } catch {
          // not a JSON line
        }
      }
      resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - started, messages });
    });
  });
}
