import { fork, type ChildProcess, type StdioOptions } from 'node:child_process';
import { canPin } from './taskset';

/** How to start a Node child with an IPC channel. */
export interface NodeChildOptions {
  /** Pin the child to this CPU core with `taskset` when possible. */
  core?: number;
  /** Extra Node flags (e.g. `--cpu-prof`). */
  execArgv?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Inherit stdout/stderr (default: stdout ignored, stderr inherited). */
  stdio?: 'inherit' | 'quiet';
  /**
   * Make the child a process-group leader, so {@link stopChild} can kill it together with
   * everything it started (servers, valgrind runs) when it has to be stopped by force.
   */
  group?: boolean;
}

/**
 * Forks `node <script> ...args` with IPC; with `core`, through `taskset -c <core>` (which execs
 * node, so `child.pid` is node's own pid).
 */
export function forkNode(script: string, args: readonly string[], opts: NodeChildOptions = {}): ChildProcess {
  const execArgv = opts.execArgv ?? [];
  const env = { ...process.env, ...opts.env };
  const stdio: StdioOptions =
    opts.stdio === 'inherit'
      ? ['inherit', 'inherit', 'inherit', 'ipc']
      : ['ignore', 'ignore', 'inherit', 'ipc'];
  const detached = opts.group === true;
  if (opts.core === undefined || !canPin())
    return fork(script, [...args], { execArgv, env, stdio, detached });
  // fork() runs `execPath ...execArgv script ...args`: make that `taskset -c <core> node ...`.
  return fork(script, [...args], {
    execPath: 'taskset',
    execArgv: ['-c', String(opts.core), process.execPath, ...execArgv],
    env,
    stdio,
    detached,
  });
}

/**
 * The first IPC message from `child` that `accept` returns a value for; rejects when `accept`
 * throws, when the child exits first or after `timeoutMs`.
 */
export function nextMessage<T>(
  child: ChildProcess,
  accept: (m: unknown) => T | undefined,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (m: unknown): void => {
      let value: T | undefined;
      try {
        value = accept(m);
      } catch (err) {
        cleanup();
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      reject(new Error(`child exited (code ${String(code)}, signal ${String(signal)}) before answering`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}

/**
 * Asks a child to stop (IPC `stop`, or SIGTERM without a channel), kills it after `graceMs`, and
 * resolves once it exited. With `group`, whatever is left of its process group is killed too.
 */
export function stopChild(child: ChildProcess, graceMs = 5000, group = false): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    if (group) killGroup(child);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const kill = setTimeout(() => (group ? killGroup(child) : child.kill('SIGKILL')), graceMs);
    kill.unref();
    child.once('exit', () => {
      clearTimeout(kill);
      if (group) killGroup(child);
      resolve();
    });
    // A child exiting on its own may close the channel first: the send then fails, and says so here.
    if (child.connected) child.send({ type: 'stop' }, (err) => err && child.kill('SIGTERM'));
    else child.kill('SIGTERM');
  });
}
