/**
 * What the status history costs, in-process.
 *
 * 1. A status change: one live dependency whose check flips between OK and OUTAGE on every run,
 *    driven by `manager.evaluate(id)`, so every call stores a result that changes the dependency's
 *    and the system's status (and records two changes with history on). `historySize: 20` (the
 *    default) against `historySize: 0`, variants shuffled round by round, CPU ns per change from
 *    `process.cpuUsage()`, compared in the same round.
 * 2. The status page (`GET /healthcheck/details`, `Accept: text/html`, through `healthRoutes` on
 *    Express, injected without sockets by light-my-request) with 10 and 100 dependencies: a request
 *    with no change since the previous one (the page rendered at the last change is reused) against
 *    a request right after a status change (the page is rendered again). Only the request is timed
 *    (wall clock around the injection, on a pinned core), not the change before it.
 * 3. The history's own work per change, alone: the two records a change makes, built and pushed
 *    into a `StatusHistory(20)` against a `StatusHistory(0)`, in a tight loop. Where the whole
 *    change (1) varies by more between rounds than the history could add, this says what it adds.
 *
 * With `--expose-gc` (the runner passes it), a full collection precedes every batch of 1 and 3.
 *
 * Run: npx tsc -p tsconfig.bench.json; node dist-bench/bench/history.js [<other dist-bench>]
 * (or `BENCH_HISTORY_BASE=<other dist-bench> npm run bench -- history`).
 * With another compiled tree (e.g. the commit before the history's `dist-bench`), its manager and
 * routes are measured in the same process and rounds, as the `base` variants.
 */
import path from 'node:path';
import express from 'express';
import { inject, type DispatchFunc } from 'light-my-request';
import { HealthAnswers } from '../middleware/health/HealthAnswers';
import { resolveHealthOptions } from '../middleware/health/HealthRoutesOptions';
import { healthRoutes } from '../middleware/health/healthRoutes';
import { DependencyManager } from '../src/manager/DependencyManager';
import { StatusHistory, type StatusChange } from '../src/manager/StatusHistory';
import { collectGarbage } from './lib/gc';
import { currentOptions } from './lib/options';
import { pairedDeltas, pairedRatios, shuffled, summarize } from './lib/stats';

interface Kit {
  DependencyManager: typeof DependencyManager;
  healthRoutes: typeof healthRoutes;
  HealthAnswers: typeof HealthAnswers;
  resolveHealthOptions: typeof resolveHealthOptions;
}

type Status = 'OK' | 'OUTAGE';

const round2 = (x: number): number => Math.round(x * 100) / 100;

function load(dir: string): Kit {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const m = require(path.join(dir, 'src/manager/DependencyManager.js')) as Kit;
  const h = require(path.join(dir, 'middleware/health/healthRoutes.js')) as Kit;
  const a = require(path.join(dir, 'middleware/health/HealthAnswers.js')) as Kit;
  const o = require(path.join(dir, 'middleware/health/HealthRoutesOptions.js')) as Kit;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    DependencyManager: m.DependencyManager,
    healthRoutes: h.healthRoutes,
    HealthAnswers: a.HealthAnswers,
    resolveHealthOptions: o.resolveHealthOptions,
  };
}

/** A manager of `kit` with `steady` always-OK live dependencies and one, `flip`, alternating. */
function flippingManager(kit: Kit, steady: number, historySize: number | undefined): DependencyManager {
  // The base tree predates `historySize`: it is only passed where it exists.
  const manager = new kit.DependencyManager({
    appName: 'bench',
    registry: false,
    ...(historySize === undefined ? {} : { historySize }),
  });
  let status: Status = 'OK';
  manager.register({
    id: 'flip',
    mode: 'live',
    check: () => {
      status = status === 'OK' ? 'OUTAGE' : 'OK';
      return { status, message: `flip ${status}` };
    },
  });
  for (let i = 0; i < steady; i++) {
    manager.register({ id: `dep-${i}`, mode: 'live', check: () => ({ status: 'OK', message: 'fine' }) });
  }
  return manager;
}

/** `n` status changes; throws if one of them did not change the status. CPU ns per change. */
async function changes(manager: DependencyManager, n: number): Promise<number> {
  collectGarbage();
  let last = (await manager.evaluate('flip')).status;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const s = (await manager.evaluate('flip')).status;
    if (s === last) throw new Error('a run did not change the status');
    last = s;
  }
  const used = process.cpuUsage(cpu0);
  return ((used.user + used.system) * 1000) / n;
}

async function runChanges(kits: Array<[string, Kit]>, rounds: number, n: number) {
  const variants: Array<[string, DependencyManager]> = [];
  for (const [label, kit] of kits) {
    if (label === 'base') variants.push(['base (no history)', flippingManager(kit, 0, undefined)]);
    else {
      variants.push(['historySize 20', flippingManager(kit, 0, 20)]);
      variants.push(['historySize 0', flippingManager(kit, 0, 0)]);
    }
  }
  const ns = new Map<string, number[]>(variants.map(([l]) => [l, []]));
  for (let r = -2; r < rounds; r++) {
    for (const [label, manager] of shuffled(variants, r + 7)) {
      const v = await changes(manager, n);
      if (r >= 0) ns.get(label)!.push(v);
    }
  }
  const on = ns.get('historySize 20')!;
  const off = ns.get('historySize 0')!;
  const base = ns.get('base (no history)');
  const ratioOff = summarize(pairedRatios(on, off));
  const out: Record<string, unknown> = {
    rounds,
    changesPerBatch: n,
    nsPerChange: Object.fromEntries([...ns].map(([l, v]) => [l, Math.round(summarize(v).median)])),
    history20OverHistory0: {
      median: round2(ratioOff.median),
      q1: round2(ratioOff.q1),
      q3: round2(ratioOff.q3),
    },
  };
  if (base !== undefined) {
    const vsBase = summarize(pairedRatios(on, base));
    const offVsBase = summarize(pairedRatios(off, base));
    out.history20OverBase = { median: round2(vsBase.median), q1: round2(vsBase.q1), q3: round2(vsBase.q3) };
    out.history0OverBase = round2(offVsBase.median);
  }
  for (const m of variants) await m[1].stop();
  return out;
}

/**
 * The history's own work per status change, alone: what `DependencyManager` does on a change when
 * the history is on, and skips when it is off: build the dependency's and the system's change
 * records and push them into a `StatusHistory`. `historySize: 20` against `0` (same calls, which
 * then return at once), `n` changes per batch, shuffled rounds, CPU ns per change.
 */
function recordBatch(history: StatusHistory, n: number): number {
  collectGarbage();
  const messages = ['flip OK', 'flip OUTAGE'] as const;
  const statuses = ['OK', 'OUTAGE'] as const;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const from = statuses[(i + 1) & 1];
    const to = statuses[i & 1];
    const message = messages[i & 1];
    history.record({ id: 'flip', from, to, at: i, message });
    history.recordSystem({ id: 'flip', from, to, at: i, message });
  }
  const used = process.cpuUsage(cpu0);
  const newest: StatusChange | undefined = history.of('flip')[0];
  if (history.system().length > 0 && newest?.at !== n - 1) throw new Error('the history lost a change');
  return ((used.user + used.system) * 1000) / n;
}

function runRecords(rounds: number, n: number) {
  const variants: Array<[string, StatusHistory]> = [
    ['historySize 20', new StatusHistory(20)],
    ['historySize 0', new StatusHistory(0)],
  ];
  const ns = new Map<string, number[]>(variants.map(([l]) => [l, []]));
  for (let r = -3; r < rounds; r++) {
    for (const [label, history] of shuffled(variants, r + 13)) {
      const v = recordBatch(history, n);
      if (r >= 0) ns.get(label)!.push(v);
    }
  }
  const added = summarize(pairedDeltas(ns.get('historySize 20')!, ns.get('historySize 0')!));
  return {
    rounds,
    changesPerBatch: n,
    nsPerChange: Object.fromEntries([...ns].map(([l, v]) => [l, round2(summarize(v).median)])),
    addedNsPerChange: { median: round2(added.median), q1: round2(added.q1), q3: round2(added.q3) },
  };
}

interface PageVariant {
  label: string;
  manager: DependencyManager;
  /** One page request; resolves to the page's length in bytes. */
  request: () => Promise<number> | number;
  /** Whether a status change precedes each request. */
  changed: boolean;
}

const PAGE = { method: 'GET' as const, url: '/healthcheck/details', headers: { accept: 'text/html' } };

/** µs (wall) per page request, `n` requests; with `changed`, a status change before each (untimed). */
async function pageBatch(v: PageVariant, n: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (v.changed) await v.manager.evaluate('flip');
    const t0 = performance.now();
    const bytes = await v.request();
    total += performance.now() - t0;
    if (!(bytes > 1000)) throw new Error(`${v.label}: not the status page`);
  }
  return (total * 1000) / n;
}

/** Express swaps the response's prototype, so light-my-request does not collect the body: its announced length is read. */
function routeRequest(kit: Kit, manager: DependencyManager): () => Promise<number> {
  const app = express();
  app.use(kit.healthRoutes(manager));
  const dispatch: DispatchFunc = (req, res) => app(req as never, res as never);
  return async () => Number((await inject(dispatch, PAGE)).headers['content-length']);
}

/** The route handler's own work: the page of the latest snapshot, with the clock stitched in, as bytes. */
function directRequest(kit: Kit, manager: DependencyManager): () => number {
  const answers = new kit.HealthAnswers(manager, kit.resolveHealthOptions(undefined, manager.appName));
  return () => {
    // An older tree renders a string that the handler then encodes; this one renders bytes.
    const page: Buffer | string = answers.page().render(Date.now());
    return typeof page === 'string' ? Buffer.from(page).length : page.length;
  };
}

async function pageVariants(label: string, kit: Kit, deps: number): Promise<PageVariant[]> {
  const out: PageVariant[] = [];
  for (const [path, make] of [
    ['route', routeRequest],
    ['direct', directRequest],
  ] as const) {
    for (const changed of [false, true]) {
      const manager = flippingManager(kit, deps - 1, undefined);
      await manager.evaluate();
      // A full timeline: the flipping dependency's last 20 changes are on the page.
      for (let i = 0; i < 25; i++) await manager.evaluate('flip');
      const request = make(kit, manager);
      out.push({
        label: `${label} ${path} ${deps} deps ${changed ? 'after a change' : 'cached'}`,
        manager,
        request,
        changed,
      });
    }
  }
  return out;
}

async function runPage(kits: Array<[string, Kit]>, rounds: number, n: number) {
  const variants: PageVariant[] = [];
  for (const deps of [10, 100])
    for (const [label, kit] of kits) variants.push(...(await pageVariants(label, kit, deps)));
  const us = new Map<string, number[]>(variants.map((v) => [v.label, []]));
  for (let r = -2; r < rounds; r++) {
    for (const v of shuffled(variants, r + 31)) {
      const x = await pageBatch(v, v.label.includes(' route ') ? n : n * 2);
      if (r >= 0) us.get(v.label)!.push(x);
    }
  }
  const out: Record<string, unknown> = { requestsPerBatch: { route: n, direct: n * 2 } };
  for (const deps of [10, 100]) {
    for (const [label] of kits) {
      for (const p of ['route', 'direct']) {
        const cached = us.get(`${label} ${p} ${deps} deps cached`)!;
        const after = us.get(`${label} ${p} ${deps} deps after a change`)!;
        const ratio = summarize(pairedRatios(after, cached));
        out[`${label} ${p} ${deps} deps`] = {
          cachedUs: round2(summarize(cached).median),
          afterChangeUs: round2(summarize(after).median),
          afterChangeOverCached: { median: round2(ratio.median), q1: round2(ratio.q1), q3: round2(ratio.q3) },
        };
      }
    }
  }
  for (const v of variants) await v.manager.stop();
  return out;
}

/** Both measures; `baseDir`: another compiled tree measured in the same rounds. */
export async function run(baseDir?: string): Promise<Record<string, unknown>> {
  const opts = currentOptions();
  const quick = opts.quick || process.env.BENCH_QUICK === '1';
  const rounds = quick ? 6 : 30;
  const kits: Array<[string, Kit]> = [
    ['statuskit', { DependencyManager, healthRoutes, HealthAnswers, resolveHealthOptions }],
  ];
  baseDir ??= process.env.BENCH_HISTORY_BASE || undefined;
  if (baseDir !== undefined) kits.push(['base', load(path.resolve(baseDir))]);
  let t = performance.now();
  const statusChange = await runChanges(kits, rounds * 2, quick ? 2000 : 5000);
  console.error(`history: status changes measured in ${Math.round(performance.now() - t)} ms`);
  t = performance.now();
  const records = runRecords(rounds, quick ? 100_000 : 200_000);
  console.error(`history: records measured in ${Math.round(performance.now() - t)} ms`);
  t = performance.now();
  const page = await runPage(kits, rounds, quick ? 30 : 60);
  console.error(`history: page requests measured in ${Math.round(performance.now() - t)} ms`);
  const ratio = (statusChange.history20OverHistory0 as { median: number }).median;
  const vsBase = (statusChange.history20OverBase as { median: number } | undefined)?.median;
  const page100 = page['statuskit direct 100 deps'] as { cachedUs: number; afterChangeUs: number };
  const changeNs = (statusChange.nsPerChange as Record<string, number>)['historySize 0'];
  const addedNs = records.addedNsPerChange.median;
  const share = round2((100 * addedNs) / changeNs);
  const targets = [
    {
      target: "the history's own work per change ≤ 5 % of a status change",
      measured: `${addedNs} ns of ${changeNs} ns (${share} %)`,
      met: share <= 5,
    },
    {
      target: 'status change with history (20) ≤ 1.05 × history off',
      measured: `${ratio} ×`,
      met: ratio <= 1.05,
    },
    {
      target: 'status page rendered per change, not per request (cached < after a change, 100 deps)',
      measured: `${page100.cachedUs} µs cached, ${page100.afterChangeUs} µs after a change (the handler's own work)`,
      met: page100.cachedUs < page100.afterChangeUs,
    },
  ];
  if (vsBase !== undefined)
    targets.unshift({
      target: 'status change with history (20) ≤ 1.05 × the code before the history',
      measured: `${vsBase} ×`,
      met: vsBase <= 1.05,
    });
  return { node: process.version, rounds, statusChange, records, page, targets };
}

if (require.main === module) {
  run(process.argv[2]).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
