import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { forkNode, nextMessage, stopChild } from './childProcess';
import type { ServerMessage } from '../peers/server';

/** A scenario server running in its own process. */
export interface ServerProcess {
  scenario: string;
  /** The node process to read `/proc/<pid>/stat` of. */
  pid: number;
  apiUrl: string;
  healthUrl: string;
  stop(): Promise<void>;
}

const SERVER_SCRIPT = path.join(__dirname, '../peers/server.js');

/**
 * Starts `scenario` in a child process (pinned to `core` where `taskset` exists) listening on a free
 * loopback port; resolves once it serves. `execArgv` adds Node flags, e.g. `--cpu-prof`.
 */
export async function startServer(
  scenario: string,
  opts: { core?: number; execArgv?: string[]; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const child: ChildProcess = forkNode(SERVER_SCRIPT, [scenario], {
    core: opts.core,
    execArgv: opts.execArgv,
  });
  let ready: Extract<ServerMessage, { type: 'ready' }>;
  try {
    ready = await nextMessage(
      child,
      (m) => {
        const msg = m as ServerMessage;
        if (msg.type === 'error') throw new Error(`scenario ${scenario}: ${msg.message}`);
        return msg.type === 'ready' ? msg : undefined;
      },
      opts.timeoutMs ?? 30_000,
    );
  } catch (err) {
    await stopChild(child, 1000);
    throw err;
  }
  return {
    scenario,
    pid: child.pid!,
    apiUrl: ready.apiUrl,
    healthUrl: ready.healthUrl,
    stop: () => stopChild(child),
  };
}
