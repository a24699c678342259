/** A hand-driven clock: pass `now` where the code under test takes one, move it with `advance`. */
export interface ManualClock {
  /** The current virtual time in ms since the epoch. */
  now: () => number;
  /** Moves the clock forward by `ms`; returns the new time. */
  advance: (ms: number) => number;
}

/** A {@link ManualClock} starting at `start`, so no test waits for real time to pass. */
export function clock(start = 1_700_000_000_000): ManualClock {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}
