import express from 'express';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import { metricsRoute } from '../../../middleware/metricsRoute';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import { accept, method, pathSegment, printable, queryString } from '../support/arbitraries';
import { scaled } from '../support/budget';
import { ensure, send, type Probe } from '../support/inject';
import { unsafeParts } from '../support/safeBody';

const TOKEN = 'health-token-0123456789abcdef';
/** What the checks leak on purpose, in messages, errors and causes: no answer may show them. */
const SECRETS = ['s3cret-db-password', 'cause-token-value', 'sk_live_0123', TOKEN];
const RUNS = scaled(1500, 20_000);

const LOOPBACK = ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.9.8.7'];
const REMOTE = ['203.0.113.7', '10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '::', '2001:db8::1'];

/** A world: a manager in a given state behind the health routes and /metrics. */
interface World {
  app: express.Express;
  manager: DependencyManager;
  /** Runs of the live dependency, to prove a refused request runs nothing. */
  liveRuns: () => number;
  /** Dependency ids whose own result is OUTAGE (their per-id view answers 503). */
  outageIds: readonly string[];
  /** The system is in OUTAGE (the reports and /readyz answer 503). */
  systemOutage: boolean;
}

async function world(systemOutage: boolean): Promise<World> {
  const registry = new Registry();
  const manager = new DependencyManager({ registry, appName: 'shop', defaults: { pingPeriodMs: 600_000 } });
  let liveRuns = 0;
  manager.register({
    id: 'db',
    type: 'redis',
    documentationUrl: 'https://ops:sk_live_0123@wiki.example/db',
    check: () => ({ status: 'OK', message: 'redis://app:s3cret-db-password@db:6379 answers' }),
  });
  manager.register({
    id: 'partner',
    urgency: systemOutage ? 'REQUIRED' : 'WEAK',
    check: () => {
      throw new Error('login failed: password=s3cret-db-password', {
        cause: new Error('Bearer cause-token-value rejected'),
      });
    },
  });
  manager.register({
    id: 'cache',
    mode: 'live',
    check: () => {
      liveRuns++;
      return { status: 'MINOR', message: 'token=sk_live_0123 slow', observedValue: 12, observedUnit: 'ms' };
    },
  });
  await manager.start();
  const app = express();
  // Express's final handler shows the stack of any error a router passes on, in every env but
  // 'production' ('test' only keeps it off the console).
  app.set('env', 'test');
  app.use(healthRoutes(manager, { token: TOKEN }));
  app.use(metricsRoute(registry));
  return { app, manager, liveRuns: () => liveRuns, outageIds: ['partner'], systemOutage };
}

const probe: fc.Arbitrary<Probe> = fc
  .record({
    method: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('GET', 'HEAD') },
      { weight: 1, arbitrary: method },
    ),
    base: fc.constantFrom(
      '/healthcheck',
      '/HealthCheck',
      '/livez',
      '/readyz',
      '/startupz',
      '/metrics',
      '/healthcheck/details',
      '/healthcheck/live',
      '/healthcheck/db',
      '/healthcheck/partner',
      '/healthcheck/cache',
    ),
    extra: fc.oneof(
      { weight: 3, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.constant('/') },
      { weight: 2, arbitrary: pathSegment.map((s) => `/${s}`) },
    ),
    query: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryString }),
    accept,
    authorization: fc.oneof(
      fc.constant(undefined),
      fc.constant(`Bearer ${TOKEN}`),
      fc.constantFrom(`Bearer ${TOKEN}x`, `Basic ${TOKEN}`, 'Bearer ', TOKEN, `Bearer ${TOKEN.slice(1)}`),
      printable(60),
    ),
    forwardedFor: fc.option(fc.constantFrom('127.0.0.1', '::1', 'localhost', '127.0.0.1, 10.0.0.1'), {
      nil: undefined,
    }),
    otherHeaders: fc.dictionary(
      fc.constantFrom(
        'x-real-ip',
        'forwarded',
        'host',
        'range',
        'if-none-match',
        'accept-encoding',
        'x-custom',
      ),
      printable(60),
      { maxKeys: 3 },
    ),
    peer: fc.constantFrom(...LOOPBACK, ...REMOTE),
  })
  .map((r) => {
    const headers: Record<string, string> = { ...r.otherHeaders };
    if (r.accept !== undefined) headers.accept = r.accept;
    if (r.authorization !== undefined) headers.authorization = r.authorization;
    if (r.forwardedFor !== undefined) headers['x-forwarded-for'] = r.forwardedFor;
    if (headers.host === '') delete headers.host;
    return { method: r.method, url: `${r.base}${r.extra}${r.query}`, headers, remoteAddress: r.peer };
  });

/** The path the router sees: dot segments resolved, query dropped. */
function pathOf(url: string): string {
  return new URL(url, 'http://host').pathname;
}

/** `true` when a path segment has a `%` not followed by a valid UTF-8 escape sequence. */
function malformedEncoding(path: string): boolean {
  return path.split('/').some((seg) => {
    try {
      decodeURIComponent(seg);
      return false;
    } catch {
      return true;
    }
  });
}

function authorized(header: string | undefined): boolean {
  const m = header === undefined ? null : /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m !== null && m[1] === TOKEN;
}

/** Checks one request against the health routes’ contract (as `healthRoutes` documents it); returns the status code. */
async function judge(w: World, p: Probe): Promise<number> {
  const runsBefore = w.liveRuns();
  const statusBefore = w.manager.systemStatus;
  const res = await send(w.app, p);
  const path = pathOf(p.url);
  const reads = p.method === 'GET' || p.method === 'HEAD';
  const privateView = reads && /^\/healthcheck\/[^/]+\/?$/i.test(path);
  const remote = REMOTE.includes(p.remoteAddress!);

  const unsafe = unsafeParts(res.text, SECRETS, p.url);
  ensure(unsafe.length === 0, `unsafe answer (${unsafe.join(', ')})`, p, res);
  if (res.status >= 500) {
    const reportsState = reads && /^\/(?:healthcheck(?:\/[^/]+)?|readyz)\/?$/i.test(path);
    const perId = /^\/healthcheck\/([^/]+)\/?$/i.exec(path)?.[1]?.toLowerCase();
    const outageView = w.systemOutage || (perId !== undefined && w.outageIds.includes(perId));
    ensure(res.status === 503 && reportsState && outageView, 'answered 5xx to client input', p, res);
  }
  if (privateView && remote && !authorized(p.headers.authorization)) {
    // 401; or 400 for a path that cannot even be decoded, which shows nothing either.
    const refused = res.status === 401 || (res.status === 400 && malformedEncoding(path));
    ensure(refused, 'showed a private view to a remote client without the token', p, res);
    ensure(w.liveRuns() === runsBefore, 'a refused request ran a check', p, res);
  }
  // (HEAD without a body is Node's doing on a real socket; light-my-request hands the body back.)
  const healthPath = /^\/(?:healthcheck(?:\/[^/]+)?|livez|readyz|startupz)\/?$/i.test(path);
  if (reads && healthPath && res.status !== 404) {
    ensure(res.headers['cache-control'] === 'no-store', 'a health answer may be cached', p, res);
  }
  ensure(
    !w.manager.draining && w.manager.systemStatus === statusBefore,
    'a request changed the manager',
    p,
    res,
  );
  return res.status;
}

describe('health routes under generated input (fast-check)', () => {
  const worlds: World[] = [];
  afterAll(() => Promise.all(worlds.map((w) => w.manager.stop())));

  it.each([
    ['a degraded system (MINOR, one OUTAGE dependency)', false],
    ['a system in OUTAGE', true],
  ])(
    'in %s: no 5xx but the state’s own 503, no stack or secret, private views closed to strangers',
    async (_what, outage) => {
      const w = await world(outage);
      worlds.push(w);
      expect(w.manager.systemStatus).toBe(outage ? 'OUTAGE' : 'MINOR');
      const seen = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(probe, async (p) => {
          const status = await judge(w, p);
          seen.set(status, (seen.get(status) ?? 0) + 1);
        }),
        { numRuns: RUNS },
      );
      // The generators must reach every kind of answer, or the property proves little.
      for (const status of [200, 401, 404, 503]) expect(seen.get(status) ?? 0).toBeGreaterThan(RUNS / 50);
    },
    scaled(120_000, 600_000),
  );

  it.each(['/healthcheck/%zz', '/healthcheck/%E0%A4%A', '/healthcheck/details%'])(
    'answers a malformed percent-encoding (%s) with its own 4xx, without a stack trace',
    async (url) => {
      const w = worlds[0] ?? (await world(false));
      if (worlds.length === 0) worlds.push(w);
      for (const remoteAddress of ['127.0.0.1', '203.0.113.7']) {
        const p: Probe = { method: 'GET', url, headers: {}, remoteAddress };
        const res = await send(w.app, p);
        ensure(res.status >= 400 && res.status < 500, 'not a 4xx', p, res);
        const unsafe = unsafeParts(res.text, SECRETS, url);
        ensure(unsafe.length === 0, `unsafe answer (${unsafe.join(', ')})`, p, res);
      }
    },
  );
});
