import { spawn } from 'node:child_process';
import path from 'node:path';

const SCRIPT = path.join(__dirname, 'fixtures', 'exitAfterStop.js');
/** Generous: a busy shared machine; the process normally exits well under a second after its work. */
const EXIT_WITHIN_MS = 10_000;
/** Loading the TypeScript through the transpile hook is slow on a loaded machine; it is not what is measured. */
const START_WITHIN_MS = 60_000;

/**
 * Runs the fixture and judges how long the process lives after its work is done (the JSON line it
 * prints once the manager ran): `timedOut` when it is still alive `EXIT_WITHIN_MS` later.
 */
function runChild(
  mode: 'stop' | 'no-stop',
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const kill = (): void => {
      timedOut = true;
      child.kill('SIGKILL');
    };
    let timer = setTimeout(kill, START_WITHIN_MS);
    child.stdout.on('data', (d: Buffer) => {
      const first = !stdout.includes('\n');
      stdout += d.toString();
      if (first && stdout.includes('\n')) {
        clearTimeout(timer);
        timer = setTimeout(kill, EXIT_WITHIN_MS);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

describe('process lifetime', () => {
  it('the process exits by itself after stop(), with checks hung, timing out and throwing', async () => {
    const { code, stdout, stderr, timedOut } = await runChild('stop');
    expect(stderr).toBe('');
    expect(timedOut).toBe(false);
    expect(code).toBe(0);
    expect(stdout).toContain('"ready":true');
    expect(stdout).toContain('"n":5'); // 'hung' has no result yet: never-run dependencies are absent
    expect(stdout).toContain('stopped');
  });

  it('a running manager never keeps the process alive on its own (every timer is unref’d)', async () => {
    const { code, stdout, timedOut } = await runChild('no-stop');
    expect(timedOut).toBe(false);
    expect(code).toBe(0);
    expect(stdout).toContain('"ready":true');
  });
});
