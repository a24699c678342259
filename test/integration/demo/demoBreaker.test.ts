import { DemoProcess } from '../../support/DemoProcess';

type Result = { id: string; status: string; message: string };
type Report = { condition: string; results: Record<string, Result[]> };

async function partnerResult(demo: DemoProcess): Promise<Result | undefined> {
  const report = (await (await fetch(`${demo.url}/healthcheck/details`)).json()) as Report;
  return Object.values(report.results)
    .flat()
    .find((r) => r.id === 'partner-api');
}

async function timedProduct(demo: DemoProcess, id: number): Promise<{ ms: number; source: string | null }> {
  const t0 = performance.now();
  const res = await fetch(`${demo.url}/products/${id}`);
  await res.arrayBuffer();
  return { ms: performance.now() - t0, source: res.headers.get('x-statuskit-source') };
}

describe('the demo shop: the partner API behind a circuit breaker', () => {
  let demo: DemoProcess;
  beforeAll(async () => {
    demo = await DemoProcess.start();
  }, 40_000);
  afterAll(async () => {
    await demo?.stop();
  });

  it('a hanging partner costs each request the source timeout until its breaker opens, then nothing', async () => {
    await demo.simulate('product-db', 'failing');
    await demo.simulate('partner-api', 'slow');
    const before: number[] = [];
    for (let id = 100; id < 110; id++) before.push((await timedProduct(demo, id)).ms);
    expect(Math.min(...before)).toBeGreaterThanOrEqual(450); // sourceTimeoutMs 500 each

    const after = await timedProduct(demo, 200);
    expect(after.source).toBe('stub');
    expect(after.ms).toBeLessThan(250); // generous: no source timeout paid any more

    const partner = await partnerResult(demo);
    expect(partner?.status).toBe('OUTAGE');
    const metrics = await (await fetch(`${demo.url}/metrics`)).text();
    expect(metrics).toContain('statuskit_breaker_state{name="partner-api"} 2');
    expect(metrics).toMatch(/statuskit_breaker_calls_total\{name="partner-api",outcome="rejected"\} [1-9]/);
    // WEAK: the load balancer keeps the instance (the product database, STRONG, makes it MAJOR).
    expect((await fetch(`${demo.url}/healthcheck`)).status).toBe(200);
  }, 60_000);
});
