import { performance } from 'node:perf_hooks';
import type { CheckOutcome, Dependency } from '../../../src/dependencies/Dependency';
import { waitFor } from '../../support/waitFor';

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
  let last: CheckOutcome | undefined;
  await waitFor(async () => accept((last = await runCheck(dep))), {
    timeoutMs: withinMs,
    intervalMs: everyMs,
    what: 'the check outcome',
    detail: () => `last outcome: ${JSON.stringify(last)}`,
  });
  return last!;
}
