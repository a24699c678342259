import path from 'node:path';
import { useRedisServer } from '../../support/useRedisServer';
import { waitFor } from '../../support/waitFor';
import { fleetOfWorkers, type Worker } from './fixtures/fleetOfWorkers';

// Several real processes sharing one redis-server, as a fleet of instances would.
const PROCESSES = 4;
const CALLERS = 25;

interface Answer {
  source: string;
  n: number;
  ms: number;
}

const suite = useRedisServer();
const workers = fleetOfWorkers(path.join(__dirname, 'fixtures/fleetWorker.ts'));
afterEach(() => workers.stop());

async function startFleet(env: Record<string, string>): Promise<Worker[]> {
  const fleet = await workers.start(PROCESSES, {
    REDIS_URL: suite.server().url,
    CALLERS: String(CALLERS),
    ...env,
  });
  for (const w of fleet) w.child.stdin!.write('go\n');
  return fleet;
}

const answersOf = (w: Worker) =>
  w.messages.find((m) => m.answers !== undefined)?.answers as Answer[] | undefined;

describe("fallback({ singleFlight: 'fleet' }) across processes", () => {
  it(`${PROCESSES} processes × ${CALLERS} concurrent calls for one cold key: exactly one source call`, async () => {
    const fleet = await startFleet({ KEY: 'p1', SOURCE_MS: '300' });
    await waitFor(() => fleet.every((w) => answersOf(w) !== undefined), { timeoutMs: 20_000 });
    const answers = fleet.flatMap((w) => answersOf(w)!);
    expect(answers).toHaveLength(PROCESSES * CALLERS);
    expect(await suite.redis().get('calls:p1')).toBe('1');
    expect(new Set(answers.map((a) => a.n))).toEqual(new Set([1]));
    expect(answers.filter((a) => a.source === 'source')).toHaveLength(CALLERS);
    expect(answers.filter((a) => a.source === 'cache')).toHaveLength((PROCESSES - 1) * CALLERS);
  });

  it('the holder killed with kill -9 mid-call: the others proceed once its lease expires', async () => {
    const sourceTimeoutMs = 1000;
    const fleet = await startFleet({
      KEY: 'p2',
      SOURCE_MS: '50',
      SOURCE_TIMEOUT_MS: String(sourceTimeoutMs),
      HANG_FIRST: '1',
    });
    await waitFor(() => fleet.some((w) => w.messages.some((m) => m.calling === 1)), { timeoutMs: 10_000 });
    const holder = fleet.find((w) => w.messages.some((m) => m.calling === 1))!;
    holder.child.kill('SIGKILL');
    await holder.exited;
    const others = fleet.filter((w) => w !== holder);
    await waitFor(() => others.every((w) => answersOf(w) !== undefined), { timeoutMs: 20_000 });
    const answers = others.flatMap((w) => answersOf(w)!);
    expect(answers).toHaveLength((PROCESSES - 1) * CALLERS);
    // One successor took the lease after it expired; the rest read its entry.
    expect(await suite.redis().get('calls:p2')).toBe('2');
    expect(new Set(answers.map((a) => a.n))).toEqual(new Set([2]));
    // The lease is one source's bound plus two Redis bounds (200 ms each): nobody answered before it.
    const leaseMs = sourceTimeoutMs + 2 * 200;
    expect(Math.min(...answers.map((a) => a.ms))).toBeGreaterThanOrEqual(leaseMs - 200);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(leaseMs + 3000);
  });
});
