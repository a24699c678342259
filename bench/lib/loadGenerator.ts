import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { forkNode, nextMessage, stopChild } from './childProcess';
import type { LoadRequest, LoadResult } from './loadWorker';

const WORKER_SCRIPT = path.join(__dirname, 'loadWorker.js');

/**
 * autocannon in a long-lived child process pinned to its own core (one process for the whole run,
 * so its JIT is warm and its start-up cost is paid once).
 */
export class LoadGenerator {
  private constructor(private readonly child: ChildProcess) {}

  /** Starts the worker on `core` (where `taskset` exists). */
  static async start(core?: number): Promise<LoadGenerator> {
    const child = forkNode(WORKER_SCRIPT, [], { core });
    await nextMessage(child, (m) => ((m as { type?: string }).type === 'ready' ? true : undefined), 30_000);
    return new LoadGenerator(child);
  }

  /** Loads `url` for `durationS` seconds with `connections` connections. */
  async run(url: string, durationS: number, connections: number): Promise<LoadResult> {
    const request: LoadRequest = { type: 'run', url, durationS, connections };
    const answer = nextMessage(
      this.child,
      (m) => {
        const msg = m as LoadResult | { type: 'error'; message: string };
        if (msg.type === 'error') throw new Error(`autocannon: ${msg.message}`);
        return msg.type === 'result' ? msg : undefined;
      },
      (durationS + 30) * 1000,
    );
    this.child.send(request);
    return answer;
  }

  /** Stops the worker. */
  stop(): Promise<void> {
    return stopChild(this.child);
  }
}
