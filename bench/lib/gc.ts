/**
 * A full garbage collection when the process runs with `--expose-gc` (benchmarks that sample the
 * heap or time batches ask the runner for it); otherwise nothing.
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
