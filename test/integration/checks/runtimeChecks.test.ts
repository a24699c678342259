import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { diskCheck } from '../../../checks/diskCheck';
import { eventLoopCheck } from '../../../checks/eventLoopCheck';
import { memoryCheck } from '../../../checks/memoryCheck';
import { runCheck } from './helpers';

/** Blocks this process's event loop for `ms`. */
function blockLoop(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* busy */
  }
}

describe('eventLoopCheck', () => {
  it('reports the p99 delay since the previous check and maps it through the thresholds', async () => {
    const check = eventLoopCheck({ maxOk: 100, maxMinor: 150, maxMajor: 10_000 });
    try {
      const first = await runCheck(check);
      expect(first).toMatchObject({ observedUnit: 'ms' });
      expect(first.message).toMatch(/^p99 event-loop delay [\d.]+ ms \(/);
      await new Promise((r) => setTimeout(r, 20));
      blockLoop(400);
      await new Promise((r) => setTimeout(r, 20));
      const blocked = await runCheck(check);
      expect(blocked.status).toBe('MAJOR');
      expect(blocked.observedValue).toBeGreaterThanOrEqual(300);
      expect(blocked.message).toMatch(/^p99 event-loop delay [\d.]+ ms \(> maxMinor 150 ms\)$/);
    } finally {
      check.dispose();
    }
  });

  it('judges the max when asked, and is OK on an idle loop', async () => {
    const check = eventLoopCheck({ stat: 'max', maxOk: 1000 });
    try {
      await runCheck(check);
      await new Promise((r) => setTimeout(r, 100));
      const outcome = await runCheck(check);
      expect(outcome.status).toBe('OK');
      expect(outcome.message).toMatch(/^max event-loop delay [\d.]+ ms \(≤ maxOk 1000 ms\)$/);
    } finally {
      check.dispose();
    }
  });

  it('can be disposed and used again (the monitor is enabled anew)', async () => {
    const check = eventLoopCheck();
    await runCheck(check);
    check.dispose();
    check.dispose();
    expect((await runCheck(check)).status).toBe('OK');
    check.dispose();
  });

  it.each(['keep', 'dispose'])('never keeps the process alive (%s)', async (mode) => {
    const fixture = path.join(__dirname, 'fixtures', 'eventLoopExit.js');
    const child = spawn(process.execPath, [fixture, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(killer);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'OK' });
  });
});

describe('memoryCheck', () => {
  it('reports the heap used against the heap limit by default', async () => {
    const outcome = await runCheck(memoryCheck());
    expect(outcome).toMatchObject({ status: 'OK', observedUnit: 'ratio' });
    expect(outcome.observedValue).toBeGreaterThan(0);
    expect(outcome.observedValue).toBeLessThan(0.85);
    expect(outcome.message).toMatch(/^heap used \(of [\d.]+ [KMG]iB limit\): [\d.]+% \(≤ maxOk 85%\)$/);
  });

  it('judges RSS bytes, the worse figure winning', async () => {
    const rss = process.memoryUsage.rss();
    const outcome = await runCheck(memoryCheck({ rssBytes: { maxOk: 1024, maxMinor: rss * 100 } }));
    expect(outcome.status).toBe('MINOR');
    expect(outcome.message).toMatch(/; RSS: [\d.]+ [KMG]iB \(> maxOk 1 KiB\)$/);
    const rssOnly = await runCheck(memoryCheck({ heapUsedRatio: false, rssBytes: { maxOk: 1 } }));
    expect(rssOnly).toMatchObject({ status: 'OUTAGE', observedUnit: 'bytes' });
  });
});

describe('diskCheck', () => {
  it('reports the free share of the file system holding the path', async () => {
    const outcome = await runCheck(diskCheck(os.tmpdir(), { minFreeRatio: { minOk: 0 } }));
    expect(outcome).toMatchObject({ status: 'OK', observedUnit: 'ratio' });
    expect(outcome.observedValue).toBeGreaterThan(0);
    expect(outcome.message).toMatch(/^free: [\d.]+% \(≥ minOk 0%\)$/);
  });

  it('maps free bytes through lower bounds', async () => {
    const huge = 2 ** 60;
    const outcome = await runCheck(
      diskCheck(os.tmpdir(), { minFreeRatio: false, minFreeBytes: { minOk: huge, minMinor: 1 } }),
    );
    expect(outcome).toMatchObject({ status: 'MINOR', observedUnit: 'bytes' });
    expect(outcome.message).toMatch(/^free: [\d.]+ [KMGT]iB \(< minOk 1024 PiB\)$/);
  });

  it('answers OUTAGE for a path that does not exist', async () => {
    const outcome = await runCheck(diskCheck('/no/such/statuskit/path'));
    expect(outcome.status).toBe('OUTAGE');
    expect(outcome.message).toMatch(
      /^cannot read free space at \/no\/such\/statuskit\/path: no such file or directory/,
    );
  });
});
