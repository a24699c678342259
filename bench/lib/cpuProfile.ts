import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where one injected route spent its CPU, from a V8 CPU profile (`node --cpu-prof`). */
export interface ProfileSummary {
  scenario: string;
  route: 'api' | 'health';
  requests: number;
  /** The `.cpuprofile` file (open it in Chrome DevTools or speedscope). */
  file: string;
  /** Sampled busy time per request in µs (injection and GC included, idle excluded). */
  usPerRequest: number;
  /** Self time by origin (statuskit, express, router, light-my-request, node core, GC, …), µs per request. */
  byOrigin: Array<{ origin: string; usPerRequest: number; pct: number }>;
  /** The heaviest functions by self time. */
  top: Array<{ fn: string; origin: string; pct: number }>;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PROFILE_DIR = path.resolve(__dirname, '../../profiles');
const TARGET = path.join(__dirname, 'injectTarget.js');

/** Classifies a profile frame's URL: statuskit's own code, a package, node core or the harness. */
export function originOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : 'native';
  if (url.startsWith('node:')) return 'node core';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1];
  if (/\/(?:middleware|src|checks)\//.test(url) && !url.includes('/bench/')) return 'statuskit';
  if (url.includes('/bench/')) return 'bench harness';
  return 'other';
}

/** Self time (µs) per node id from the samples and their time deltas; idle time left out. */
function selfTimes(p: CpuProfile): Map<number, number> {
  const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => {
    if (!idle.has(id)) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  return self;
}

/** Summarises a `.cpuprofile` of `requests` requests: self time by origin and the top functions. */
export function summarizeProfile(
  p: CpuProfile,
  requests: number,
  topN = 12,
): Pick<ProfileSummary, 'byOrigin' | 'top' | 'usPerRequest'> {
  const self = selfTimes(p);
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const byOrigin = new Map<string, number>();
  const byFn = new Map<string, { origin: string; us: number }>();
  for (const node of p.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const origin = originOf(url, functionName);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${path.basename(url)}:${lineNumber + 1}`;
    const prev = byFn.get(fn);
    byFn.set(fn, { origin, us: (prev?.us ?? 0) + us });
  }
  const pct = (us: number): number => Math.round((us / total) * 1000) / 10;
  const perRequest = (us: number): number => Math.round((us / requests) * 100) / 100;
  return {
    usPerRequest: perRequest(total),
    byOrigin: [...byOrigin]
      .sort((a, b) => b[1] - a[1])
      .map(([origin, us]) => ({ origin, usPerRequest: perRequest(us), pct: pct(us) })),
    top: [...byFn]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, topN)
      .map(([fn, v]) => ({ fn, origin: v.origin, pct: pct(v.us) })),
  };
}

function profileOne(scenario: string, route: 'api' | 'health', requests: number): Promise<string> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const name = `${scenario}-${route}.cpuprofile`;
  // Sampling every 100 µs (default 1 ms): ~20 samples per request, enough to split a few µs by origin.
  const args = [
    '--cpu-prof',
    '--cpu-prof-interval=100',
    `--cpu-prof-dir=${PROFILE_DIR}`,
    `--cpu-prof-name=${name}`,
    TARGET,
    scenario,
    route,
    String(requests),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(path.join(PROFILE_DIR, name))
        : reject(new Error(`profiling ${scenario} ${route} exited ${String(code)}`)),
    );
  });
}

/**
 * Profiles `/api` and the health route of each scenario with `node --cpu-prof`, injecting
 * `requests` requests without sockets, and summarises where the time went.
 */
export async function profileRoutes(
  scenarios: readonly string[],
  requests: number,
): Promise<ProfileSummary[]> {
  const out: ProfileSummary[] = [];
  for (const scenario of scenarios) {
    for (const route of ['api', 'health'] as const) {
      const file = await profileOne(scenario, route, requests);
      const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, requests);
      out.push({ scenario, route, requests, file: path.relative(process.cwd(), file), ...summary });
    }
  }
  return out;
}
