import http from 'node:http';
import path from 'node:path';
import { useRedisServer } from '../../support/useRedisServer';
import { fleetOfWorkers } from './fixtures/fleetOfWorkers';

// Several real processes, each an Express app on cachedRoute with the same RedisCache prefix.
const PROCESSES = 4;
const REQUESTS = 15;

const suite = useRedisServer();
const workers = fleetOfWorkers(path.join(__dirname, 'fixtures/fleetRouteWorker.ts'));
afterEach(() => workers.stop());

interface Answer {
  status: number;
  source: string;
  cacheStatus: string;
  body: string;
}

/** One GET on a fresh connection (no keep-alive pooling: each request is its own client). */
function get(port: number, urlPath: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          source: String(res.headers['x-statuskit-source']),
          cacheStatus: String(res.headers['cache-status']),
          body,
        }),
      );
    });
    req.on('error', reject);
  });
}

describe("cachedRoute({ singleFlight: 'fleet' }) across processes", () => {
  it(`${PROCESSES} processes × ${REQUESTS} concurrent requests for a cold key: the route runs once in all`, async () => {
    const fleet = await workers.start(PROCESSES, { REDIS_URL: suite.server().url, SOURCE_MS: '300' });
    const ports = fleet.map((w) => w.messages.find((m) => m.ready === true)!.port as number);
    const answers = await Promise.all(
      ports.flatMap((port) => Array.from({ length: REQUESTS }, () => get(port, '/p/cold'))),
    );
    expect(await suite.redis().get('runs:cold')).toBe('1');
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => (JSON.parse(a.body) as { n: number }).n))).toEqual(new Set([1]));
    expect(answers.filter((a) => a.source === 'origin')).toHaveLength(1);
    const fromCache = answers.filter((a) => a.source === 'cache');
    expect(fromCache).toHaveLength(PROCESSES * REQUESTS - 1);
    // Held behind the one run, in this process or another: collapsed into it. Only a request that
    // a busy machine delayed past the 300 ms route can arrive after the body and get a plain hit.
    for (const a of fromCache)
      expect(a.cacheStatus).toMatch(/^statuskit; (fwd=miss; collapsed|hit); ttl=\d+$/);
    const collapsed = fromCache.filter((a) => a.cacheStatus.includes('collapsed')).length;
    expect(collapsed).toBeGreaterThan(fromCache.length / 2);
    expect(await suite.redis().exists('statuskit:{cache}:~lease:fleet-route:cold')).toBe(0);
  });
});
