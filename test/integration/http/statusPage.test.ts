import { createHash } from 'node:crypto';
import request from 'supertest';
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../../support/browser';
import { healthKit, type HealthKit } from './httpKit';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

let kit: HealthKit;

beforeEach(async () => {
  kit = healthKit({ db: 'REQUIRED', cache: 'WEAK', search: 'STRONG' });
  await kit.manager.start();
  kit.checks.cache.status = 'MINOR';
  await kit.set('search', 'OUTAGE', 'search <b>down</b>');
});

afterEach(async () => {
  await kit.manager.stop();
});

describe('the HTML status page (Accept: text/html on /healthcheck/details)', () => {
  it('is self-contained: its only style and script are inline and allowed by hash, nothing else', async () => {
    const res = await request(kit.app).get('/healthcheck/details').set('Accept', BROWSER_ACCEPT).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const csp = String(res.headers['content-security-policy']);
    const html = res.text;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    expect(csp).toBe(
      `default-src 'none'; style-src 'sha256-${sha256(style)}'; script-src 'sha256-${sha256(script)}'; ` +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(html).not.toMatch(/<link|<img|<iframe|\ssrc=|style=|@import|url\(|@font-face/i);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('shows the system condition on top and one row per dependency, worst first, refreshing itself', async () => {
    const res = await request(kit.app).get('/healthcheck/details').set('Accept', BROWSER_ACCEPT).expect(200);
    const html = res.text;
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
    expect(html).toMatch(/<header class="MAJOR"><h1>shop: MAJOR<\/h1>/);
    const rows = [...html.matchAll(/<tr><td><strong>([^<]+)<\/strong>[\s\S]*?class="b (\w+)"/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(rows).toEqual([
      ['search', 'OUTAGE'],
      ['cache', 'MINOR'],
      ['db', 'OK'],
    ]);
    expect(html).toContain('search &lt;b&gt;down&lt;/b&gt;');
    expect(html).toContain('<td>STRONG</td>');
  });

  it('answers HEAD with the same status and headers, and 503 on OUTAGE or while draining', async () => {
    await request(kit.app).head('/healthcheck/details').set('Accept', BROWSER_ACCEPT).expect(200);
    kit.manager.drain();
    const res = await request(kit.app).get('/healthcheck/details').set('Accept', BROWSER_ACCEPT).expect(503);
    expect(res.text).toContain('(draining)');
    const head = await request(kit.app).head('/healthcheck/live').set('Accept', BROWSER_ACCEPT).expect(503);
    expect(head.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('keeps JSON for clients that prefer it', async () => {
    await request(kit.app)
      .get('/healthcheck/details')
      .set('Accept', 'application/json, text/html;q=0.5')
      .expect('Content-Type', 'application/json; charset=utf-8');
  });

  it('renders in a real browser without a single CSP violation, with ages and colours applied', async () => {
    // test/support/browser.ts's launchChromium passes --user-data-dir, which playwright-core rejects;
    // launch Debian's Chromium directly (failing clearly, never skipping, when it is absent).
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 30_000,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    const server = kit.app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as { port: number };
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`http://127.0.0.1:${port}/healthcheck/details`);
      const ages = await page.$$eval('td time[data-ts]', (els) => els.map((e) => e.textContent));
      const durations = await page.$$eval('time[data-for]', (els) => els.map((e) => e.textContent));
      const badge = await page.$eval(
        '.b.OUTAGE',
        (el) =>
          (
            globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
          ).getComputedStyle(el).backgroundColor,
      );
      expect(problems).toEqual([]);
      expect(ages.every((a) => a === 'never' || /^\d+s ago$/.test(a ?? ''))).toBe(true);
      expect(durations.length).toBe(4); // the system's and each row's
      expect(durations.every((d) => /^\d+s$/.test(d ?? ''))).toBe(true);
      expect(badge).toBe('rgb(207, 34, 46)');
      expect(await page.title()).toBe('MAJOR · shop');
    } finally {
      await browser.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});
