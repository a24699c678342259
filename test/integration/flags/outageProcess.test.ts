import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { RedisServer } from '../../support/RedisServer';

const CHILD = path.join(__dirname, 'fixtures', 'outageChild.js');
/** Generous: a busy shared machine. */
const STEP_TIMEOUT_MS = 20_000;

interface Probe {
  /** Every distinct answer of 2000 isEnabled calls. */
  values: boolean[];
  isEnabledMs: number;
  sets: Array<{ error: string; message: string; ms: number }>;
  stale: boolean[];
  after: boolean[];
}

function step<T>(child: ChildProcess, name: string, extra: object = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`step ${name} timed out`)), STEP_TIMEOUT_MS);
    const onMessage = (msg: { step: string; result?: T; error?: string }): void => {
      if (msg.step !== name) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      if (msg.error) reject(new Error(msg.error));
      else resolve(msg.result as T);
    };
    child.on('message', onMessage);
    child.send({ step: name, ...extra });
  });
}

describe('FeatureFlags in a real process through Redis outages', () => {
  let server: RedisServer;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    server?.resume();
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await server?.stop();
  });

  it('keeps answering, lets no error escape, and carries changes again after Redis is killed and frozen', async () => {
    server = await RedisServer.start({ persist: true });
    child = fork(CHILD, [server.url], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));

    expect(await step<{ seen: boolean }>(child, 'setup')).toEqual({ seen: true });

    await server.kill();
    const killed = await step<Probe>(child, 'probe');
    expect(killed).toMatchObject({ values: [true], stale: [true, true], after: [true, true] });
    expect(killed.isEnabledMs).toBeLessThan(250);
    for (const s of killed.sets) {
      expect(['RedisUnavailableError', 'OutcomeUnknownError']).toContain(s.error);
      expect(s.message).toContain('set flag "checkout"');
      expect(s.ms).toBeLessThan(2000);
    }

    await server.restart();
    expect(await step(child, 'flow', { value: false })).toEqual({ seen: true });

    server.freeze();
    const frozen = await step<Probe>(child, 'probe');
    expect(frozen).toMatchObject({ values: [false], stale: [true, true], after: [false, false] });
    // Sent to a frozen server: may still land, so never reported as "not changed".
    expect(frozen.sets.map((s) => s.error)).toEqual(['OutcomeUnknownError', 'OutcomeUnknownError']);
    server.resume();
    expect(await step(child, 'flow', { value: true })).toEqual({ seen: true });

    expect(await step(child, 'finish')).toEqual({ escaped: [] });
    expect(await exited).toBe(0); // exits by itself: stop() left nothing open
    expect(stderr).toBe('');
  });
});
