import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser';
import { DemoProcess } from '../../support/DemoProcess';

const ARTIFACTS = path.resolve(__dirname, '../../artifacts');

// Browser-side code is passed as text: this project's TypeScript has no DOM types on purpose.
const ROW_STATUS = `(dep) => {
  for (const row of document.querySelectorAll('tbody tr')) {
    if (row.querySelector('td strong')?.textContent === dep) return row.querySelector('.b')?.textContent;
  }
  return undefined;
}`;

/** Runs `read` again when it meets one of the page's own reloads (every few seconds). */
async function stable<T>(page: Page, read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (attempt >= 5 || !/context was destroyed|navigat/i.test(String(err))) throw err;
      await page.waitForLoadState('load');
    }
  }
}

/** The status badge text of `id`'s row on the page. */
function rowStatus(page: Page, id: string): Promise<string | undefined> {
  return stable(page, () => page.evaluate(`(${ROW_STATUS})(${JSON.stringify(id)})`));
}

describe('the HTML status page in a real browser (Debian chromium via playwright-core)', () => {
  let demo: DemoProcess;
  let browser: Browser;
  let close: () => Promise<void>;

  beforeAll(async () => {
    demo = await DemoProcess.start();
    ({ browser, close } = await launchChromium());
  }, 60_000);
  afterAll(async () => {
    await close?.();
    await demo?.stop();
  });

  it('shows every dependency with its status, then sees a dependency fail without a reload by hand', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const foreign: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(demo.url)) foreign.push(req.url());
    });
    // The demo starts OK, but on a loaded machine its event-loop check can read MINOR for a while:
    // the page is opened once the report says OK, as the first assertions expect.
    await demo.waitFor(async () => (await demo.report()).condition === 'OK', 15_000, 'the demo OK');
    const res = await page.goto(`${demo.url}/healthcheck/details`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await stable(page, () => page.title())).toContain('OK');

    const ids = ['event-loop', 'orders-db', 'partner-api', 'payment-api', 'product-db', 'recommendations'];
    for (const id of ids) expect(await rowStatus(page, id)).toBe('OK');
    const headerColour = await stable(page, () =>
      page.evaluate('getComputedStyle(document.querySelector("header")).backgroundColor'),
    );
    expect(headerColour).not.toBe('rgba(0, 0, 0, 0)');

    await demo.simulate('product-db', 'failing');
    // The page refreshes itself every few seconds; the check runs every 2 s with a grace of one failure.
    // Polled from here: the page's CSP rightly forbids the eval that waitForFunction would need.
    const deadline = Date.now() + 25_000;
    while ((await rowStatus(page, 'product-db')) !== 'OUTAGE' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await rowStatus(page, 'product-db')).toBe('OUTAGE');
    expect(await stable(page, () => page.title())).toContain('MAJOR');
    expect(await rowStatus(page, 'orders-db')).toBe('OK');

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'status-page.png'), fullPage: true });
    expect(fs.statSync(path.join(ARTIFACTS, 'status-page.png')).size).toBeGreaterThan(10_000);
    expect(foreign).toEqual([]);
    await page.close();
  }, 60_000);
});
