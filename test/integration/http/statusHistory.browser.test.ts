import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import { launchChromium } from '../../support/browser';
import { clock } from '../../support/clock';
import { ControlledCheck } from '../../support/ControlledCheck';

const ARTIFACTS = path.resolve(__dirname, '../../artifacts');
const SCREENSHOT = path.join(ARTIFACTS, 'status-page-history.png');

// Runs in the page before its own script: records every CSP violation the browser reports.
const RECORD_VIOLATIONS = `window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`;

// Browser-side code is passed as text: this project's TypeScript has no DOM types on purpose.
const READ_PAGE = `(() => {
  const row = (id) => [...document.querySelectorAll('tbody tr')].find((r) => r.querySelector('td strong')?.textContent === id);
  const visible = (el) => !!el && el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0;
  const db = row('db');
  const chips = [...db.querySelectorAll('ol.tl li')];
  return {
    headerSince: document.querySelector('header time.since')?.textContent,
    dbSince: db.querySelector('time.since')?.textContent,
    chips: chips.map((li) => li.textContent),
    chipsVisible: chips.length > 0 && chips.every(visible),
    chipColour: getComputedStyle(chips[0]).backgroundColor,
    systemChanges: [...document.querySelectorAll('#changes li')].map((li) => li.textContent),
    systemVisible: visible(document.querySelector('#changes')),
    violations: window.__violations,
  };
})()`;

interface PageFacts {
  headerSince: string;
  dbSince: string;
  chips: string[];
  chipsVisible: boolean;
  chipColour: string;
  systemChanges: string[];
  systemVisible: boolean;
  violations: string[];
}

describe('the status page’s history in a real browser (Debian chromium via playwright-core)', () => {
  it('shows a flapping dependency’s timeline, its time in status and the system’s changes, with no CSP violation', async () => {
    // The manager's clock starts ten minutes back and jumps two minutes per flap, so the ages read
    // as an incident would: 10m, 8m, 6m, 4m ago.
    const t = clock(Date.now() - 10 * 60_000);
    const manager = new DependencyManager({ appName: 'shop', registry: false, now: t.now });
    // STRONG: the OUTAGE is capped at MAJOR, so the page answers 200 (a 503 document is logged as a
    // console error by the browser, which this test wants to see none of).
    const db = new ControlledCheck({ id: 'db', urgency: 'STRONG', mode: 'live', description: 'orders db' });
    const cache = new ControlledCheck({ id: 'cache', urgency: 'WEAK', mode: 'live' });
    manager.register(db.dependency).register(cache.dependency);
    await manager.start();
    for (const status of ['OUTAGE', 'OK', 'OUTAGE'] as const) {
      t.advance(2 * 60_000);
      db.status = status;
      db.message = status === 'OK' ? undefined : 'connection refused';
      await manager.evaluate();
    }
    const app = express().use(healthRoutes(manager, { refreshSeconds: 600 }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { browser, close } = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      const consoleProblems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(m.text());
      });
      page.on('pageerror', (e) => consoleProblems.push(e.message));
      await page.addInitScript(RECORD_VIOLATIONS);
      const res = await page.goto(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthcheck/details`,
      );
      expect(res?.status()).toBe(200);

      const facts = await page.evaluate<PageFacts>(READ_PAGE);
      expect(facts.violations).toEqual([]);
      expect(consoleProblems).toEqual([]);
      expect(facts.headerSince).toMatch(/^4m \d+s$/);
      expect(facts.dbSince).toMatch(/^4m \d+s$/);
      expect(facts.chips).toHaveLength(4);
      expect(facts.chips[0]).toMatch(/^OUTAGE 4m \d+s ago$/);
      expect(facts.chips[3]).toMatch(/^OK 10m \d+s ago$/);
      expect(facts.chipsVisible).toBe(true);
      expect(facts.chipColour).toBe('rgb(207, 34, 46)');
      expect(facts.systemVisible).toBe(true);
      expect(facts.systemChanges).toHaveLength(3);
      expect(facts.systemChanges[0]).toMatch(/^MAJOR from OK · 4m \d+s ago · db: connection refused$/);

      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);

      // The recorder does catch a violation: an inline style attribute is refused by the policy.
      // The event is dispatched asynchronously: read the list until it shows (2 s at most).
      await page.evaluate('document.body.setAttribute("style", "color: red")');
      let after: string[] = [];
      for (const deadline = Date.now() + 2000; Date.now() < deadline;) {
        after = await page.evaluate<string[]>('window.__violations');
        if (after.length > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(after.some((v) => v.startsWith('style-src'))).toBe(true);
      await page.close();
    } finally {
      await close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await manager.stop();
    }
  }, 60_000);
});
