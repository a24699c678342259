/**
 * The three dependency checks every scenario has. They are simulated in memory (an async function
 * that resolves at once), which is the most charitable choice for designs that run checks on each
 * request: a real check (Redis PING, an HTTP call) would cost them a network round trip per probe,
 * while statuskit runs it in the background either way.
 */
export type SimulatedCheck = () => Promise<void>;

async function database(): Promise<void> {
  await Promise.resolve();
}

async function cache(): Promise<void> {
  await Promise.resolve();
}

async function partnerApi(): Promise<void> {
  await Promise.resolve();
}

/** The three checks, by id. */
export const CHECKS: ReadonlyArray<readonly [id: string, check: SimulatedCheck]> = Object.freeze([
  ['database', database],
  ['cache', cache],
  ['partner-api', partnerApi],
]);

/** Runs every check; rejects with the first failure (what terminus and hand-written probes do). */
export async function runAllChecks(): Promise<void> {
  await Promise.all(CHECKS.map(([, check]) => check()));
}
