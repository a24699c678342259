import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import YAML from 'yaml';
import { DemoProcess, type DemoReport } from '../../support/DemoProcess';
import { RedisServer } from '../../support/RedisServer';

const root = path.resolve(__dirname, '../../..');

/**
 * The exec form of the demo Dockerfile's `HEALTHCHECK … CMD [...]`. No Docker engine runs in the
 * suite: the command is read here and run as Docker would run it inside the image.
 */
function healthcheckCommand(): string[] {
  const dockerfile = fs.readFileSync(path.join(root, 'examples/demo/Dockerfile'), 'utf8');
  const line = dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .find((l) => l.startsWith('HEALTHCHECK '));
  const exec = /\bCMD (\[.*\])\s*$/.exec(line ?? '');
  if (exec === null) throw new Error('the demo Dockerfile has no HEALTHCHECK in exec form');
  return JSON.parse(exec[1]) as string[];
}

function statusOf(report: DemoReport, id: string): string | undefined {
  return Object.values(report.results)
    .flat()
    .find((r) => r.id === id)?.status;
}
async function product(demo: DemoProcess, id: string) {
  const res = await fetch(`${demo.url}/products/${id}`);
  return {
    status: res.status,
    source: res.headers.get('x-statuskit-source'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

describe('the demo shop on its embedded defaults, as the README walks through it', () => {
  let demo: DemoProcess;
  beforeAll(async () => {
    demo = await DemoProcess.start();
  }, 40_000);
  afterAll(async () => {
    await demo?.stop();
  });

  it('prints the URLs to open and the token', () => {
    const out = demo.output.join('');
    expect(out).toContain(`http://localhost:${demo.port}/healthcheck/details`);
    expect(out).toContain(`http://localhost:${demo.port}/metrics`);
    expect(out).toContain(demo.token);
  });

  it('serves products from the database, then from cache, the partner API, and a stub as things break', async () => {
    expect(await product(demo, '1')).toMatchObject({
      status: 200,
      source: 'origin',
      body: { origin: 'product-db' },
    });
    expect(await product(demo, '1')).toMatchObject({ status: 200, source: 'cache' });

    await demo.simulate('product-db', 'failing');
    expect(await product(demo, '2')).toMatchObject({
      status: 200,
      source: 'origin',
      body: { origin: 'partner-api' },
    });
    await demo.simulate('partner-api', 'failing');
    expect(await product(demo, '3')).toMatchObject({ status: 200, source: 'stub', body: { price: null } });
    expect(await product(demo, '1')).toMatchObject({ status: 200, source: 'cache' });
  });

  it('reports the broken product database as MAJOR (STRONG urgency) and keeps the load balancer answer 200', async () => {
    await demo.waitFor(
      async () => statusOf(await demo.report(), 'product-db') === 'OUTAGE',
      15_000,
      'product-db OUTAGE',
    );
    const report = await demo.report();
    expect(report.condition).toBe('MAJOR');
    const lb = await fetch(`${demo.url}/healthcheck`);
    expect(lb.status).toBe(200);
    expect(await lb.json()).toMatchObject({ condition: 'MAJOR', dcStatus: 'ONLINE' });
  });

  it('short-circuits shop routes and fails the load balancer check when a REQUIRED dependency is down, and recovers', async () => {
    await demo.simulate('orders-db', 'failing');
    await demo.waitFor(async () => (await demo.report()).condition === 'OUTAGE', 15_000, 'OUTAGE');
    const res = await fetch(`${demo.url}/products/1`);
    expect(res.status).toBe(500);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toEqual({ error: 'service_unavailable', condition: 'OUTAGE' });
    expect((await fetch(`${demo.url}/healthcheck`)).status).toBe(503);
    expect((await fetch(`${demo.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${demo.url}/livez`)).status).toBe(200);

    for (const s of ['orders-db', 'product-db', 'partner-api']) await demo.simulate(s, 'ok');
    await demo.waitFor(async () => (await demo.report()).condition === 'OK', 15_000, 'recovery to OK');
    expect((await product(demo, '4')).source).toBe('origin');
  });

  it('accepts an order and defers the payment when the payment kill switch is off', async () => {
    const order = (body: unknown) =>
      fetch(`${demo.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const paid = await order({ productId: '2', quantity: 1 });
    expect(paid.status).toBe(201);
    expect(await paid.json()).toMatchObject({ status: 'paid' });

    const flip = await fetch(`${demo.url}/admin/flags/payment-api.enabled`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${demo.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
    expect(flip.status).toBe(200);
    const deferred = await order({ productId: '2', quantity: 2 });
    expect(deferred.status).toBe(202);
    expect(await deferred.json()).toMatchObject({ status: 'payment_deferred' });
    expect((await order({ productId: 'nope' })).status).toBe(400);
  });

  it('passes its image’s HEALTHCHECK, run as Docker runs it (WORKDIR the repository, PORT set)', () => {
    const [node, ...args] = healthcheckCommand();
    expect(node).toBe('node');
    const out = execFileSync(process.execPath, args, {
      cwd: root,
      env: { ...process.env, PORT: String(demo.port) },
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(out).toBe(`200 http://127.0.0.1:${demo.port}/readyz ok\n`);
  });
});

describe('the demo shop with REDIS_URL set', () => {
  let server: RedisServer;
  let demo: DemoProcess;
  let redis: Redis;
  beforeAll(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    demo = await DemoProcess.start({ REDIS_URL: server.url });
  }, 40_000);
  afterAll(async () => {
    await demo?.stop();
    redis?.disconnect();
    await server?.stop();
  });

  it('uses Redis for the cache, the flags and the outbox', async () => {
    expect((await product(demo, '1')).source).toBe('origin');
    await demo.waitFor(
      async () => (await redis.keys('statuskit:{cache}:*')).length > 0,
      5000,
      'a cache entry in Redis',
    );

    const flip = await fetch(`${demo.url}/admin/flags/payment-api.enabled`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${demo.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
    expect(flip.status).toBe(200);
    expect(await redis.hget('statuskit:{flags}', 'payment-api.enabled')).toContain('false');

    const res = await fetch(`${demo.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ productId: '3', quantity: 1 }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(await redis.exists(`shop:order:${id}`)).toBe(1);
    const streams = await redis.keys('*outbox*');
    expect(streams.length).toBeGreaterThan(0);
  });

  it('shows Redis and the outbox in the health report', async () => {
    const report = await demo.report();
    expect(statusOf(report, 'redis')).toBe('OK');
    expect(statusOf(report, 'outbox')).toBeDefined();
  });
});

describe('the observability stack for users (docker-compose, Prometheus, Grafana)', () => {
  const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');

  it('docker-compose.yml is valid YAML with Redis, PostgreSQL, the demo, Prometheus and Grafana, and every mounted file exists', () => {
    const compose = YAML.parse(read('docker-compose.yml')) as {
      services: Record<string, { volumes?: string[]; build?: { dockerfile: string } }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual([
      'demo',
      'grafana',
      'postgres',
      'prometheus',
      'redis',
    ]);
    expect(fs.existsSync(path.join(root, compose.services.demo.build!.dockerfile))).toBe(true);
    for (const svc of Object.values(compose.services)) {
      for (const v of svc.volumes ?? []) expect(fs.existsSync(path.join(root, v.split(':')[0]))).toBe(true);
    }
    const prom = YAML.parse(read('examples/prometheus/prometheus.yml')) as {
      scrape_configs: { metrics_path: string; static_configs: { targets: string[] }[] }[];
    };
    expect(prom.scrape_configs[0]).toMatchObject({
      metrics_path: '/metrics',
      static_configs: [{ targets: ['demo:3000'] }],
    });
  });

  it('the image’s HEALTHCHECK runs the package bin statuskit-probe, which its npm run build makes', () => {
    const [node, script, ...args] = healthcheckCommand();
    expect(node).toBe('node');
    const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string> };
    expect(path.normalize(script)).toBe(path.normalize(pkg.bin['statuskit-probe']));
    expect(fs.existsSync(path.join(root, script))).toBe(true);
    expect(args).toEqual(['--timeout', expect.stringMatching(/^\d+$/)]);
    // The probe gives up before Docker would kill it, so the health log gets its line.
    const dockerTimeoutS = /--timeout=(\d+)s/.exec(read('examples/demo/Dockerfile'))?.[1];
    expect(Number(args[1])).toBeLessThan(Number(dockerTimeoutS) * 1000);
  });

  it('the Grafana dashboard is valid and queries only metrics the kit exports', async () => {
    const dashboard = JSON.parse(read('examples/grafana/dashboards/statuskit.json')) as {
      uid: string;
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.uid).toBe('statuskit');
    const queried = new Set(
      dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/statuskit_[a-z_]+/g) ?? [])),
    );
    const server = await RedisServer.start();
    const demo = await DemoProcess.start({ REDIS_URL: server.url });
    try {
      // One order so the payment retry and the outbox have something to count.
      await fetch(`${demo.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ productId: '1', quantity: 1 }),
      });
      await fetch(`${demo.url}/products/1`);
      const text = await (await fetch(`${demo.url}/metrics`)).text();
      const exported = new Set([...text.matchAll(/^# TYPE (\S+) (\w+)/gm)].map((m) => m[1]));
      expect(queried.size).toBeGreaterThanOrEqual(10);
      for (const name of queried) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        expect({ name, exported: exported.has(base) }).toEqual({ name, exported: true });
      }
    } finally {
      await demo.stop();
      await server.stop();
    }
  }, 60_000);
});
