import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { RedisServer } from '../../support/RedisServer';
import { scaled, timeoutFor } from '../support/budget';
import { CHAOS_BOUNDS } from '../fixtures/chaosBounds';
import { waitFor } from '../../support/waitFor';

/** A busy 2-core machine shared with other suites: bounds get this much on top of their own. */
const MARGIN_MS = 1500;
/** A request still unanswered after this long counts as hung. */
const HANG_MS = 10_000;
const RATE_PER_SECOND = 50;
/** Soak: the phase cycle repeats until this much time has passed. */
const SOAK_MS = 5 * 60_000;

type Phase = 'healthy' | 'frozen' | 'resumed' | 'killed' | 'restarted' | 'flapping' | 'calm';
/** The phase cycle and how long each phase lasts, in ms. */
const CYCLE: readonly [Phase, number][] = [
  ['healthy', 3000],
  ['frozen', 3000],
  ['resumed', 2500],
  ['killed', 3000],
  ['restarted', 3000],
  ['flapping', 4000],
  ['calm', 2500],
];
const UNDER_FAULT: ReadonlySet<Phase> = new Set(['frozen', 'killed', 'restarted', 'flapping']);

interface Sample {
  route: string;
  phase: Phase;
  status: number;
  ms: number;
  body: string;
}
interface Report {
  phase: Phase;
  /** Which repetition of the phase cycle (soak runs several). */
  cycle: number;
  at: number;
  condition: string;
  statuses: Record<string, string>;
  /** What each dependency that is not OK says, shown when an assertion on the report fails. */
  messages: Record<string, string>;
}

const B = CHAOS_BOUNDS;
/** Each route's own bound: the timeouts configured in the app, plus the margin. */
const BOUND_MS: Record<string, number> = {
  products: B.cacheMs + B.sourceMs + MARGIN_MS,
  orders: B.cacheMs + B.routeMs + MARGIN_MS,
  checkout: B.outboxMs + MARGIN_MS,
  search: MARGIN_MS,
  healthcheck: MARGIN_MS,
  readyz: MARGIN_MS,
  livez: MARGIN_MS,
  metrics: MARGIN_MS,
  details: MARGIN_MS,
};
/** Routes with a stale or stub tier (excluded from the short-circuit), and the probes: never a 5xx. */
const NEVER_5XX = ['products', 'orders', 'livez', 'metrics'];

function request(
  port: number,
  agent: http.Agent,
  method: string,
  urlPath: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: urlPath, agent, timeout: HANG_MS },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('hung')));
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.end();
  });
}

const ROUTES: readonly [string, string, (i: number) => string][] = [
  ['products', 'GET', (i) => `/api/products/${i % 20}`],
  ['orders', 'GET', (i) => `/api/orders/${i % 20}`],
  ['products', 'GET', (i) => `/api/products/${(i * 7) % 20}`],
  ['checkout', 'POST', () => '/api/checkout'],
  ['search', 'GET', () => '/api/search'],
  ['orders', 'GET', (i) => `/api/orders/${(i * 3) % 20}`],
  ['healthcheck', 'GET', () => '/healthcheck'],
  ['readyz', 'GET', () => '/readyz'],
  ['livez', 'GET', () => '/livez'],
  ['metrics', 'GET', (i) => (i % 50 === 9 ? '/metrics' : '/livez')],
];

describe('chaos: every component under steady load while Redis and a partner API fail', () => {
  let redis: RedisServer;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    redis = await RedisServer.start({ persist: true });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    redis.resume();
    await redis.stop();
  });

  it(
    'answers every request within its bounds, never 5xx where a stale or stub tier exists, tells the truth, loses no event',
    async () => {
      const messages: Record<string, unknown>[] = [];
      let stderr = '';
      child = spawn(
        process.execPath,
        [
          '--no-warnings',
          '-r',
          path.join(__dirname, '../../support/tsHook.js'),
          path.join(__dirname, '../fixtures/chaosApp.ts'),
        ],
        { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, REDIS_URL: redis.url } },
      );
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('message', (m) => messages.push(m as Record<string, unknown>));
      const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
      await waitFor(() => messages.some((m) => 'port' in m || 'done' in m), {
        timeoutMs: 30_000,
        what: 'app listening',
        detail: () => `stderr: ${stderr}`,
      });
      const port = Number(messages.find((m) => 'port' in m)?.port);
      if (!Number.isInteger(port))
        throw new Error(`the chaos app did not start: ${JSON.stringify(messages)} ${stderr}`);

      const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
      const samples: Sample[] = [];
      const reports: Report[] = [];
      const accepted: string[] = [];
      const inFlight = new Set<Promise<void>>();
      let phase: Phase = 'healthy';
      let cycle = 0;
      let i = 0;
      const fire = (): void => {
        const [route, method, url] = ROUTES[i % ROUTES.length];
        const target = url(i++);
        const at = phase;
        const start = performance.now();
        const p = request(port, agent, method, target).then(({ status, body }) => {
          samples.push({ route, phase: at, status, ms: performance.now() - start, body: body.slice(0, 200) });
          if (route === 'checkout' && status === 202) accepted.push((JSON.parse(body) as { id: string }).id);
        });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      };
      const poll = (): void => {
        const at = phase;
        const inCycle = cycle;
        const start = performance.now();
        const p = request(port, agent, 'GET', '/healthcheck/details').then(({ status, body }) => {
          samples.push({ route: 'details', phase: at, status, ms: performance.now() - start, body: '' });
          // A refused or failed connection (status 0) is recorded above and judged with the samples;
          // only a real answer carries a report to read.
          if (status === 0) return;
          const doc = JSON.parse(body) as {
            condition: string;
            results: Record<string, { id: string; message?: string }[]>;
          };
          const statuses: Record<string, string> = {};
          const messages: Record<string, string> = {};
          for (const [s, list] of Object.entries(doc.results))
            for (const r of list) {
              statuses[r.id] = s;
              if (s !== 'OK') messages[r.id] = r.message ?? '';
            }
          reports.push({
            phase: at,
            cycle: inCycle,
            at: Date.now(),
            condition: doc.condition,
            statuses,
            messages,
          });
        });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      };
      const load = setInterval(fire, 1000 / RATE_PER_SECOND);
      const poller = setInterval(poll, 250);

      const enter = async (next: Phase): Promise<void> => {
        if (phase === 'frozen') redis.resume();
        if (phase === 'flapping') child!.send({ cmd: 'flap', on: false });
        if (next === 'frozen') redis.freeze();
        if (next === 'killed') await redis.kill();
        if (next === 'restarted') await redis.restart();
        if (next === 'flapping') child!.send({ cmd: 'flap', on: true });
        phase = next;
      };
      const startedAt = Date.now();
      try {
        do {
          for (const [next, ms] of CYCLE) {
            await enter(next);
            await new Promise((r) => setTimeout(r, ms));
          }
          cycle++;
        } while (scaled(false, Date.now() - startedAt < SOAK_MS));
      } finally {
        clearInterval(load);
        clearInterval(poller);
        redis.resume();
        if (!redis.running) await redis.restart();
      }
      await Promise.all([...inFlight]);
      agent.destroy();

      child.send({ cmd: 'finish', accepted });
      await waitFor(() => messages.some((m) => 'done' in m), {
        timeoutMs: 30_000,
        what: 'the app’s final account',
        detail: () => `stderr: ${stderr}`,
      });
      const done = messages.find((m) => 'done' in m) as {
        missing: string[];
        review: string[];
        escaped: string[];
        stopMs: number;
        handled: number;
        routeErrors: number;
      };
      let deadline: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<'still running'>((r) => (deadline = setTimeout(() => r('still running'), 10_000))),
      ]);
      clearTimeout(deadline);

      // ---- figures, for docs/readme/95-reliability.md ----
      const byRoute = new Map<string, Sample[]>();
      for (const s of samples) byRoute.set(s.route, [...(byRoute.get(s.route) ?? []), s]);
      const figures = [...byRoute].map(([route, list]) => ({
        route,
        requests: list.length,
        underFault: list.filter((s) => UNDER_FAULT.has(s.phase)).length,
        '5xx': list.filter((s) => s.status >= 500).length,
        failed: list.filter((s) => s.status === 0).length,
        maxMs: Math.round(Math.max(...list.map((s) => s.ms))),
        boundMs: BOUND_MS[route],
      }));
      process.stdout.write(
        `chaos run (${Math.round((Date.now() - startedAt) / 1000)} s, ${samples.length} requests, ` +
          `${samples.filter((s) => UNDER_FAULT.has(s.phase)).length} under fault, ${accepted.length} checkouts accepted, ` +
          `${done.handled} events handled, ${done.routeErrors} route errors rescued, ${samples.filter((s) => s.status === 503 && s.body.includes('service_unavailable')).length} short-circuited, stop ${done.stopMs} ms):\n${figures.map((f) => JSON.stringify(f)).join('\n')}\n`,
      );

      // ---- the process ----
      expect(stderr).toBe('');
      expect(done.escaped).toEqual([]); // no unhandled rejection, no uncaught exception
      expect(code).toBe(0); // and it exited by itself after stop()

      // ---- every request answered, within its bound ----
      expect(samples.filter((s) => s.status === 0)).toEqual([]);
      const tooSlow = samples
        .filter((s) => s.ms > BOUND_MS[s.route])
        .map((s) => `${s.route} ${s.phase} ${Math.round(s.ms)} ms`);
      expect(tooSlow).toEqual([]);

      // ---- zero 5xx where a stale or stub tier exists ----
      const fiveXX = samples.filter((s) => NEVER_5XX.includes(s.route) && s.status >= 500);
      expect(fiveXX.map((s) => `${s.route} ${s.phase} ${s.status} ${s.body}`)).toEqual([]);
      // Checkout and search have no fallback: checkout may refuse with its own 503, both with the
      // short-circuit's while the partner (REQUIRED) is in OUTAGE — never a 500.
      expect(samples.filter((s) => s.status === 500)).toEqual([]);
      const shorted = (s: Sample): boolean => s.status === 503 && s.body.includes('service_unavailable');
      // The search flag stays on through every Redis fault: answered from the last snapshot.
      expect(samples.filter((s) => s.route === 'search' && s.status !== 200 && !shorted(s))).toEqual([]);
      // Only the partner's OUTAGE short-circuits (Redis is STRONG): never in a Redis-only phase.
      const redisOnly: Phase[] = ['healthy', 'frozen', 'resumed', 'killed', 'restarted'];
      expect(samples.filter((s) => shorted(s) && redisOnly.includes(s.phase))).toEqual([]);

      // ---- the health report tells the truth at the end of each phase ----
      /** The last two reports of each occurrence of phase `p`: what it settled on. */
      const last = (p: Phase): Report[] =>
        Array.from({ length: cycle }, (_, c) =>
          reports.filter((r) => r.phase === p && r.cycle === c).slice(-2),
        ).flat();
      for (const r of last('healthy'))
        expect(r).toMatchObject({ condition: 'OK', statuses: { redis: 'OK', partner: 'OK' } });
      for (const r of last('frozen'))
        expect(r).toMatchObject({ condition: 'MAJOR', statuses: { redis: 'OUTAGE' } });
      for (const r of last('killed'))
        expect(r).toMatchObject({ condition: 'MAJOR', statuses: { redis: 'OUTAGE' } });
      for (const r of [...last('resumed'), ...last('restarted'), ...last('calm')]) {
        expect(r).toMatchObject({ condition: 'OK', statuses: { redis: 'OK', partner: 'OK', outbox: 'OK' } });
      }
      // Redis is STRONG: its failure never takes the system to OUTAGE (no short-circuit for it).
      const redisPhases: Phase[] = ['frozen', 'killed', 'resumed', 'restarted'];
      expect(reports.filter((r) => redisPhases.includes(r.phase) && r.condition === 'OUTAGE')).toEqual([]);
      // The partner flapped, and the report followed it.
      const partnerSeen = new Set(
        reports.filter((r) => r.phase === 'flapping').map((r) => r.statuses.partner),
      );
      expect(partnerSeen.size).toBeGreaterThan(1);

      // ---- the outbox lost nothing ----
      expect(accepted.length).toBeGreaterThan(0);
      expect(done.missing).toEqual([]);
      expect(done.review).toEqual([]);
    },
    timeoutFor(scaled(21_000, SOAK_MS + 21_000) + 40_000),
  );
});
