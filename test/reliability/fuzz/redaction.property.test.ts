import express, { type Express } from 'express';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import { metricsRoute } from '../../../middleware/metricsRoute';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import { redact } from '../../../src/redaction/redact';
import { ControlledCheck } from '../../support/ControlledCheck';
import { logSink, type LogLine } from '../../support/logSink';
import { scaled } from '../support/budget';
import { send, type Probe } from '../support/inject';

const TOKEN = 'property-admin-token-0123456789';
const BROWSER = 'text/html,application/xhtml+xml,*/*;q=0.8';
const LOOPBACK = '127.0.0.1';

/** Every answer of every route, to a local client, a remote one, and a remote one with the token. */
const PROBES: Probe[] = [
  ['/healthcheck', {}],
  ['/healthcheck', { accept: 'application/health+json' }],
  ['/healthcheck/details', {}],
  ['/healthcheck/details', { accept: BROWSER }],
  ['/healthcheck/live', {}],
  ['/healthcheck/said', {}],
  ['/healthcheck/threw', {}],
  ['/metrics', {}],
  ['/livez', {}],
  ['/readyz', {}],
].flatMap(([url, headers]) => [
  { method: 'GET', url: url as string, headers: headers as Record<string, string>, remoteAddress: LOOPBACK },
  { method: 'GET', url: url as string, headers: headers as Record<string, string> },
  {
    method: 'GET',
    url: url as string,
    headers: { ...(headers as Record<string, string>), authorization: `Bearer ${TOKEN}` },
  },
]);

/**
 * A secret fragment: starts with two letters (so it cannot coincide with a number, a timestamp or
 * a word of the answers) and holds the characters real credentials hold.
 */
const fragment = fc
  .tuple(
    fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ'),
    fc.constantFrom(...'abcdefghijkmnopqrstuvwxyz'),
    fc.string({
      unit: fc.constantFrom(...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789._~+/-'),
      minLength: 6,
      maxLength: 24,
    }),
  )
  .map(([a, b, rest]) => `${a}${b}${rest}`);

/** A message embedding secret fragments in one of the forms redact knows, and the fragments. */
type Embedded = { text: string; secrets: string[] };

const FORMS: ((s: string[]) => string)[] = [
  ([a]) => `token refresh failed for client_secret=${a}`,
  ([a]) => `login failed: password=${a}`,
  ([a, b]) => `login failed: password="${a} ${b}"`,
  ([a, b]) => `config {"client_secret":"${a} ${b}","user":"app"}`,
  ([a]) => `refresh_token: ${a}`,
  ([a]) => `GET https://api.example.com/cb?access_token=${a}&page=2 → 401`,
  ([a]) => `env AWS_SECRET_ACCESS_KEY=${a} rejected`,
  ([a]) => `PUT https://b.s3.amazonaws.com/k?X-Amz-Expires=60&X-Amz-Signature=${a} → 403`,
  ([a]) => `GET https://x.blob.core.windows.net/c?sv=2024&sig=${a} → 403`,
  ([a]) => `upstream said 401 to Authorization: Bearer ${a}`,
  ([a]) => `sent Bearer ${a}9 and got 401`,
  ([a]) => `sent Basic ${a}= and got 401`,
  ([a]) => `api_key=${a}&v=1`,
  ([a, b]) => `connect redis://:${a}/${b}@cache:6379 failed`,
  ([a, b, c]) => `connect redis://${a}:${b}@${c}@cache:6379 failed`,
  ([a, b]) => `NOAUTH redis://user:${a}/w+${b}@cache:6379`,
];

const embedded: fc.Arbitrary<Embedded> = fc
  .tuple(fc.nat(FORMS.length - 1), fc.array(fragment, { minLength: 3, maxLength: 3 }))
  .map(([i, secrets]) => ({ text: FORMS[i](secrets), secrets }));

interface Rig {
  app: Express;
  manager: DependencyManager;
  said: ControlledCheck;
  threw: ControlledCheck;
  lines: LogLine[];
}

function rig(): Rig {
  const registry = new Registry();
  const { logger, lines } = logSink('trace');
  const manager = new DependencyManager({
    appName: 'shop',
    registry,
    logger,
    defaults: { graceFailures: 0 },
  });
  const said = new ControlledCheck({ id: 'said', urgency: 'WEAK', mode: 'live', type: 'partner' });
  const threw = new ControlledCheck({ id: 'threw', urgency: 'REQUIRED', mode: 'live', type: 'database' });
  manager.register(said.dependency);
  manager.register(threw.dependency);
  const app = express();
  app.use(healthRoutes(manager, { token: TOKEN, hostname: 'prop-host' }));
  app.use(metricsRoute(registry));
  return { app, manager, said, threw, lines };
}

let r: Rig;

beforeAll(async () => {
  r = rig();
  await r.manager.start();
});

afterAll(async () => {
  await r.manager.stop();
});

describe('no secret embedded in a message or an error reaches any answer or log line', () => {
  it('every route, every client, every log line', async () => {
    await fc.assert(
      fc.asyncProperty(embedded, embedded, async (message, error) => {
        r.lines.length = 0;
        r.said.status = 'OUTAGE';
        r.said.message = message.text;
        r.threw.error = new Error(`failed: ${error.text}`, { cause: new Error(message.text) });
        await r.manager.evaluate();
        const seen: string[] = [];
        for (const probe of PROBES) {
          const res = await send(r.app, probe);
          seen.push(`${probe.url} ${JSON.stringify(probe.headers)} → ${res.status} ${res.text}`);
        }
        r.said.status = 'OK';
        r.said.message = undefined;
        r.threw.error = undefined;
        await r.manager.evaluate();
        seen.push(...r.lines.map((l) => JSON.stringify(l)));
        for (const secret of [...message.secrets, ...error.secrets]) {
          for (const text of seen) expect(text).not.toContain(secret);
        }
        // The views did show the messages, masked: the test is not passing on empty answers.
        expect(seen.some((t) => t.includes('***'))).toBe(true);
      }),
      { numRuns: scaled(40, 400) },
    );
  });
});

/** Realistic check messages without a secret: they must reach the views as they are. */
const PLAIN = [
  'token refresh failed',
  'connect ECONNREFUSED 127.0.0.1:6379',
  'GET https://api.example.com/v1/items → 503 in 12 ms',
  'password reset queue is empty',
  'Redis is reconnecting: connection refused (connect ECONNREFUSED 127.0.0.1:6399); PING not sent',
  'PING answered in 0.42 ms',
  'Timed out prior to completion',
  'Exception thrown during ping',
  'lag 1200 ms (> maxOk 500 ms)',
  '250 jobs (> maxOk 100 jobs)',
  'free space at /var/lib/data: 1.5 GiB (12%)',
  'heap used 512 MiB of 2 GiB',
  'event loop delay p99 85 ms',
  'connected to 127.0.0.1:4010 in 56.21 ms',
  'secret manager answered 503 Service Unavailable',
  'Bearer token expired; refreshing in 30 s',
  'basic checks passed',
  'tokens: 3 of 10 remaining in the bucket',
  'passwordless login provider unreachable',
  'NOAUTH Authentication required.',
  'WRONGPASS invalid username-password pair or user is disabled.',
  'stale: the latest result is 31000 ms old (limit 30000 ms)',
  'GET https://status.example.com/healthcheck → 200 OK in 48 ms',
  'outbox: 0 pending, oldest 0 s',
  'cache key users:42 missed; loaded from db',
  'ERR max number of clients reached',
  'getaddrinfo ENOTFOUND db.internal',
  'certificate has expired (notAfter 2026-01-01)',
  'keyspace hit ratio 0.93',
  'api gateway latency p95 230 ms',
  'replication lag 2 s behind primary',
  'disabled',
];

describe('plain messages come back unchanged', () => {
  it('redact leaves each of them alone', () => {
    for (const text of PLAIN) expect(redact(text)).toBe(text);
  });

  it('every view shows each of them as it is', async () => {
    for (const text of PLAIN) {
      r.said.status = 'MINOR';
      r.said.message = text;
      await r.manager.evaluate();
      const one = await send(r.app, {
        method: 'GET',
        url: '/healthcheck/said',
        headers: {},
        remoteAddress: LOOPBACK,
      });
      expect(JSON.parse(one.text).message).toBe(text);
      const doc = await send(r.app, {
        method: 'GET',
        url: '/healthcheck',
        headers: { accept: 'application/health+json' },
        remoteAddress: LOOPBACK,
      });
      expect(JSON.parse(doc.text).checks['said:status'][0].output).toBe(text);
    }
    r.said.status = 'OK';
    r.said.message = undefined;
    await r.manager.evaluate();
  });
});
