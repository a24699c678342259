import { performance } from 'node:perf_hooks';
import type { CheckOutcome, Dependency } from '../../../src/dependencies/Dependency';

/** Generous bound for "answers at once / within its timeout": a busy shared 2-core machine. */
export const MARGIN_MS = 1500;

/** Runs a check directly with a signal that never aborts (so only the check's own bound applies). */
export async function runCheck(dep: Dependency): Promise<CheckOutcome & { elapsedMs: number }> {
  const started = performance.now();
  const outcome = (await dep.check({ signal: new AbortController().signal })) as CheckOutcome;
  return { ...outcome, elapsedMs: performance.now() - started };
}

/** Runs the check until `accept` holds (polling every `everyMs`), or fails after `withinMs`. */
export async function eventually(
  dep: Dependency,
  accept: (o: CheckOutcome) => boolean,
  withinMs = 15_000,
  everyMs = 100,
): Promise<CheckOutcome> {
  const deadline = Date.now() + withinMs;
  let last: CheckOutcome | undefined;
  for (;;) {
    last = await runCheck(dep);
    if (accept(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`check never got there; last outcome: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Polls `condition` until true or fails after `withinMs`. */
export async function waitFor(condition: () => boolean, withinMs = 15_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 20));
  }
}
