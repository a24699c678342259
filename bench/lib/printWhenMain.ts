/**
 * Lets a benchmark module run on its own (`node dist-bench/bench/<name>.js`): when `mod` is the
 * entry module, awaits `run()`, prints its figures as JSON and exits 0, or prints the error and
 * exits 1 (exiting, so a handle a benchmark left open cannot keep it running). Until then the
 * process is kept alive.
 */
export function printWhenMain(mod: NodeModule, run: () => Promise<unknown>): void {
  if (require.main !== mod) return;
  // A benchmark waiting only on unref'd children or timers would let the process exit silently, 0.
  setInterval(() => undefined, 60_000);
  run().then(
    (figures) => {
      console.log(JSON.stringify(figures, null, 2));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
