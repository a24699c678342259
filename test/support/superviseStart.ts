import type { ChildProcess } from 'node:child_process';

/** How {@link superviseStart} watches a freshly spawned server. */
export interface SuperviseStart {
  /** Names the server in errors, e.g. `redis-server`. */
  name: string;
  /** Resolves once the server answers; rejects when it gave up waiting. */
  ready: () => Promise<void>;
  /** Kills a half-started server (a process or a whole process group). */
  kill: () => void;
  /** Called when the server exits later, after a successful start. */
  onExit: () => void;
}

/**
 * Waits for a spawned server to answer, failing fast with its stderr when it exits first. A server
 * that never became ready is killed (jest would not exit with it alive); a ready one is unref'd so
 * it never keeps the test process alive.
 */
export async function superviseStart(child: ChildProcess, opts: SuperviseStart): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (e) => reject(new Error(`${opts.name} failed to start: ${e.message}`)));
    child.once('exit', (code) => reject(new Error(`${opts.name} exited with ${code}: ${stderr}`)));
  });
  exited.catch(() => undefined);
  try {
    await Promise.race([opts.ready(), exited]);
  } catch (err) {
    opts.kill();
    throw err;
  }
  child.removeAllListeners('exit');
  child.once('exit', opts.onExit);
  child.unref();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
}
