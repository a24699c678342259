import { num, signed, table, withRange, flatten } from './markdown';
import type { BenchmarkEntry, ResultsFile } from './results';
import { evaluateTargets } from './targets';
import type { Summary } from './stats';

interface PeerRoute {
  rps: Summary;
  cpuUsPerRequest: Summary;
  p99Ms: Summary;
  rpsRatio: Summary;
  cpuDeltaUs: Summary;
  non2xx: number;
  errors: number;
}
/** The fields of the peers benchmark's result the report reads. */
export interface PeersResult {
  config: { rounds: number; durationS: number; warmupS: number; connections: number; pinned: string };
  scenarios: Record<string, string>;
  healthPaths: Record<string, string>;
  routes: Record<'api' | 'health', Record<string, PeerRoute>>;
  failed: Record<string, string>;
}
interface InprocessVariant {
  cpuNsPerRequest: Summary;
  wallNsPerRequest: Summary;
  deltaNs: Summary;
  deltaPct: Summary;
  failed: number;
}
/** The callgrind benchmark's result. */
export interface CallgrindResult {
  skipped?: string;
  perRequest?: Record<string, number>;
  addedPct?: number;
  warmup?: number;
  requests?: number[];
}
interface Profile {
  scenario: string;
  route: string;
  file: string;
  usPerRequest: number;
  byOrigin: Array<{ origin: string; usPerRequest: number }>;
}
/** The fields of the in-process benchmark's result the report reads. */
export interface InprocessResult {
  config: { rounds: number; batch: number };
  routes: Record<'api' | 'health', Record<string, InprocessVariant>>;
  notBuilt: Record<string, string>;
  callgrind: {
    skipped?: string;
    perRequest?: Record<string, number>;
    addedPct?: number;
    requests?: number[];
  };
  profiles?: Profile[];
}

const us = (ns: number | undefined): number => (typeof ns === 'number' ? ns / 1000 : Number.NaN);
const scaled = (s: Summary | undefined, k: number): Summary | undefined =>
  s === undefined ? undefined : { ...s, median: s.median / k, q1: s.q1 / k, q3: s.q3 / k };

function header(file: ResultsFile): string {
  // The machine of the latest run: a filtered run replaces only its own entries, the rest keep theirs.
  const entries = Object.values(file.benchmarks).sort((a, b) => b.ranAt.localeCompare(a.ranAt));
  const m = entries[0]?.machine;
  if (m === undefined) return '_No results yet: run `npm run bench`._';
  const versions = Object.entries(m.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `Last written by \`${file.command}\` at ${file.updatedAt} (commit ${m.gitCommit}).`,
    '',
    table(
      ['machine', ''],
      [
        ['CPU', `${m.cpuModel}, ${m.nproc} cores (nproc), ${m.memoryGiB} GiB`],
        ['OS / Node', `${m.os} / Node ${m.node}`],
        ['versions', versions],
        ['pinning', m.taskset ? 'taskset available' : 'no taskset: not pinned'],
        ['load average at start', m.loadAverage.join(' / ')],
      ],
    ),
  ].join('\n');
}

function peersSection(e: BenchmarkEntry): string {
  const r = e.result as unknown as PeersResult;
  const c = r.config;
  const rows = (route: 'api' | 'health'): string[][] =>
    Object.entries(r.routes[route]).map(([label, s]) => [
      label,
      ...(route === 'health' ? [`\`${r.healthPaths[label] ?? ''}\``] : []),
      num(s.rps.median, 0),
      withRange(s.rpsRatio, 3),
      num(s.cpuUsPerRequest.median, 1),
      withRange(s.cpuDeltaUs, 1, true),
      num(s.p99Ms.median, 0),
      `${s.non2xx} / ${s.errors}`,
    ]);
  const cols = [
    'req/s',
    'req/s ÷ bare [IQR]',
    'CPU µs/req',
    'Δ CPU µs/req vs bare [IQR]',
    'p99 ms',
    'non-2xx / errors',
  ];
  const failed = Object.entries(r.failed).map(([k, v]) => `- ${k} did not run: ${v}`);
  return [
    `### Server scenarios (ran ${e.ranAt}, ${Math.round(e.seconds)} s)`,
    '',
    `autocannon, ${c.connections} connections, ${c.rounds} rounds × ${c.durationS} s after ${c.warmupS} s of warm-up per route; ${c.pinned}. ` +
      'Medians over rounds; ratios and deltas are taken round by round against bare Express in the same round. ' +
      '`bare-control` is a second bare process: its distance from 1.000 / 0.0 is the noise floor.',
    '',
    '`/api`:',
    '',
    table(['scenario', ...cols], rows('api'), ['l', 'r', 'r', 'r', 'r', 'r', 'r']),
    '',
    "Health route (each library's own):",
    '',
    table(['scenario', 'path', ...cols], rows('health'), ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r']),
    ...(failed.length > 0 ? ['', ...failed] : []),
  ].join('\n');
}

function inprocessTable(r: InprocessResult, route: 'api' | 'health'): string {
  const rows = Object.entries(r.routes[route]).map(([label, v]) => [
    label,
    num(us(v.cpuNsPerRequest.median), 2),
    withRange(scaled(v.deltaNs, 1000), 2, true),
    withRange(v.deltaPct, 1, true),
    num(us(v.wallNsPerRequest.median), 2),
    String(v.failed),
  ]);
  return table(
    ['variant', 'CPU µs/req', 'Δ µs/req vs bare [IQR]', 'Δ % vs bare [IQR]', 'wall µs/req', 'non-2xx'],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r'],
  );
}

function callgrindSection(e: BenchmarkEntry): string {
  const c = e.result as CallgrindResult;
  const head = `### Instruction counts (ran ${e.ranAt}, ${Math.round(e.seconds)} s)`;
  if (c.skipped !== undefined) return `${head}\n\nSkipped: ${c.skipped}.`;
  const p = c.perRequest ?? {};
  const bare = p.bare ?? Number.NaN;
  const rows = Object.entries(p).map(([k, v]) => [
    k,
    num(v, 0),
    signed(v - bare, 0),
    signed(((v - bare) / bare) * 100, 2),
  ]);
  return [
    head,
    '',
    `Instructions per \`/api\` request under \`valgrind --tool=callgrind\` and \`node --predictable\`: ` +
      `${c.warmup ?? '?'} uncounted warm-up requests, then counted runs of ${c.requests?.[1]} and ${c.requests?.[0]} requests, ` +
      `difference ÷ ${(c.requests?.[1] ?? 0) - (c.requests?.[0] ?? 0)}. Repeatable for one configuration, ` +
      'but each stack has its own JIT and GC history: differences within about ±2 % of a request are not resolved.',
    '',
    table(['variant', 'instructions/req', 'Δ vs bare', 'Δ %'], rows, ['l', 'r', 'r', 'r']),
  ].join('\n');
}

function profileTable(profiles: readonly Profile[]): string {
  const parts: string[] = [];
  for (const route of ['api', 'health']) {
    const bare = profiles.find((p) => p.scenario === 'bare' && p.route === route);
    const kit = profiles.find((p) => p.scenario === 'statuskit' && p.route === route);
    if (bare === undefined || kit === undefined) continue;
    const origins = [...new Set([...kit.byOrigin, ...bare.byOrigin].map((o) => o.origin))];
    const of = (p: Profile, o: string): number => p.byOrigin.find((x) => x.origin === o)?.usPerRequest ?? 0;
    const rows = origins
      .map((o) => [o, of(bare, o), of(kit, o)] as const)
      .filter(([, b, k]) => b >= 0.05 || k >= 0.05)
      .sort((a, b) => Math.abs(b[2] - b[1]) - Math.abs(a[2] - a[1]))
      .map(([o, b, k]) => [o, num(b, 2), num(k, 2), signed(k - b, 2)]);
    rows.push([
      '**total**',
      num(bare.usPerRequest, 2),
      num(kit.usPerRequest, 2),
      signed(kit.usPerRequest - bare.usPerRequest, 2),
    ]);
    parts.push(
      `\`${route}\` (\`${bare.file}\`, \`${kit.file}\`), sampled self time in µs per request by origin:`,
      '',
      table(['origin', 'bare', 'statuskit', 'Δ'], rows, ['l', 'r', 'r', 'r']),
      '',
    );
  }
  return parts.join('\n');
}

function inprocessSection(e: BenchmarkEntry): string {
  const r = e.result as unknown as InprocessResult;
  const bare = r.routes.api.bare?.cpuNsPerRequest.median;
  const harness = r.routes.api.harness?.cpuNsPerRequest.median;
  const kit = r.routes.api.statuskit?.deltaNs.median;
  const expressOwn = bare !== undefined && harness !== undefined ? bare - harness : Number.NaN;
  return [
    `### In-process (ran ${e.ranAt}, ${Math.round(e.seconds)} s)`,
    '',
    `Requests injected without sockets (light-my-request) into each scenario's server, ${r.config.rounds} alternated rounds × ` +
      `${r.config.batch} requests per variant; CPU from \`process.cpuUsage()\`. \`harness\` answers without Express: ` +
      "the injector's own cost, included in every other row.",
    '',
    '`/api`:',
    '',
    inprocessTable(r, 'api'),
    '',
    `statuskit's median difference from bare on \`/api\`: ${signed(us(kit), 2)} µs per request, against Express's own ` +
      `${num(us(expressOwn), 2)} µs (bare − harness): ${signed(((kit ?? Number.NaN) / expressOwn) * 100, 1)} % of the framework's cost ` +
      '(compare with `bare-control` for the noise).',
    '',
    'Health route:',
    '',
    inprocessTable(r, 'health'),
    ...(r.profiles !== undefined
      ? ['', '#### CPU profiles (`--cpu-prof`)', '', profileTable(r.profiles)]
      : []),
  ].join('\n');
}

function genericSection(name: string, e: BenchmarkEntry): string {
  const head = `### ${name} (${e.status}${e.ranAt ? `, ran ${e.ranAt}, ${Math.round(e.seconds)} s` : ''})`;
  if (e.status !== 'ok' || e.result === undefined) return `${head}\n\nNot measured: ${e.error ?? e.status}.`;
  const rows = flatten(e.result).slice(0, 80);
  return `${head}\n\n${table(['figure', 'value'], rows, ['l', 'r'])}`;
}

/** The Markdown report of a results file: machine, targets, then one section per benchmark. */
export function renderReport(file: ResultsFile): string {
  const parts = [header(file), '', '### Targets', '', evaluateTargets(file)];
  for (const [name, e] of Object.entries(file.benchmarks)) {
    parts.push('');
    if (e.status === 'ok' && name === 'peers') parts.push(peersSection(e));
    else if (e.status === 'ok' && name === 'inprocess') parts.push(inprocessSection(e));
    else if (e.status === 'ok' && name === 'callgrind') parts.push(callgrindSection(e));
    else parts.push(genericSection(name, e));
  }
  return parts.join('\n');
}
