import { runFixture } from '../support/child';
import { scaled, timeoutFor } from '../support/budget';

const REQUESTS = scaled(20_000, 100_000);
/**
 * Heap growth allowed between the start and the end of the run, after a full GC: a leak of a mere
 * 200 bytes per request would exceed it over 20k requests (40 over 100k); GC noise stays under 1 MB.
 */
const MAX_GROWTH_BYTES = 4 * 1024 * 1024;
const MB = 1024 * 1024;

describe('memory under a long run', () => {
  it(
    `${REQUESTS} requests through shortCircuit, healthRoutes, fallback and cachedRoute leave the heap where it was`,
    async () => {
      const run = await runFixture('heapRun', {
        nodeArgs: ['--expose-gc'],
        args: [String(REQUESTS)],
        killAfterMs: scaled(60_000, 240_000),
      });
      expect({ stderr: run.stderr, timedOut: run.timedOut, code: run.code }).toEqual({
        stderr: '',
        timedOut: false,
        code: 0,
      });
      const figures = run.messages[0] as {
        start: number;
        end: number;
        growth: number;
        checkpoints: number[];
        statuses: Record<string, number>;
        maxMs: number;
        perSecond: number;
      };
      // For the record (docs/readme/95-reliability.md): heap in MB at the start, each quarter, the end.
      process.stdout.write(
        `heap run: ${REQUESTS} requests at ${figures.perSecond}/s, heap ${(figures.start / MB).toFixed(1)} → ${figures.checkpoints
          .map((b) => (b / MB).toFixed(1))
          .join(
            ' → ',
          )} MB, growth ${(figures.growth / 1024).toFixed(0)} KB, max latency ${figures.maxMs.toFixed(0)} ms, statuses ${JSON.stringify(figures.statuses)}\n`,
      );
      expect(figures.growth).toBeLessThan(MAX_GROWTH_BYTES);
      // Every route with a stale or stub tier answered; the only 5xx are the short-circuit's and the
      // health routes' own 503 while the system was in OUTAGE.
      expect(Object.keys(figures.statuses).sort()).toEqual(['200', '503']);
      expect(Object.values(figures.statuses).reduce((a, b) => a + b, 0)).toBe(REQUESTS + 2000);
    },
    timeoutFor(scaled(60_000, 240_000)),
  );
});
