/**
 * Sizes of the reliability suites. `npm test` runs the short versions (about 90 s in all on a
 * 2-core machine); `npm run soak` sets `SOAK=1` and runs the long ones, each bounded in time.
 */
export const SOAK = process.env.SOAK !== undefined && process.env.SOAK !== '' && process.env.SOAK !== '0';

/** `normal` in `npm test`, `soak` under `npm run soak`. */
export function scaled<T>(normal: T, soak: T): T {
  return SOAK ? soak : normal;
}

/** A jest timeout for a test whose own work is bounded by `workMs`: generous, on a busy machine. */
export function timeoutFor(workMs: number): number {
  return workMs * 2 + 30_000;
}
