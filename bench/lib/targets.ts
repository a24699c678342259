import { num, signed, table } from './markdown';
import type { CallgrindResult, InprocessResult, PeersResult } from './report';
import type { ResultsFile } from './results';

/** One performance target of the kit checked against the latest results. */
export interface TargetCheck {
  target: string;
  measured: string;
  /** The bare-vs-bare control on the same measure: the noise floor. */
  control: string;
  verdict: string;
}

const PEERS = ['terminus', 'lightship', 'actuator', 'naive'];

function ok<T>(file: ResultsFile, name: string): T | undefined {
  const e = file.benchmarks[name];
  return e?.status === 'ok' ? (e.result as T) : undefined;
}

function verdict(met: boolean | undefined, miss: string): string {
  if (met === undefined) return 'not measured';
  return met ? '**met**' : `**missed** (${miss})`;
}

function apiThroughput(p: PeersResult | undefined): TargetCheck {
  const ratio = p?.routes.api.statuskit?.rpsRatio.median;
  const control = p?.routes.api['bare-control']?.rpsRatio.median;
  const has = typeof ratio === 'number';
  return {
    target: 'statuskit `/api` ≥ 0.97 × bare req/s (server)',
    measured: has ? `${num(ratio, 3)} ×` : '—',
    control: typeof control === 'number' ? `${num(control, 3)} ×` : '—',
    verdict: verdict(has ? ratio >= 0.97 : undefined, has ? `by ${num((0.97 - ratio) * 100, 1)} points` : ''),
  };
}

function apiCpu(r: InprocessResult | undefined, c: CallgrindResult | undefined): TargetCheck {
  const pct = r?.routes.api.statuskit?.deltaPct.median;
  const control = r?.routes.api['bare-control']?.deltaPct.median;
  const cg = c?.addedPct;
  const has = typeof pct === 'number';
  return {
    target: 'statuskit `/api` ≤ +2 % CPU/request (in-process)',
    measured: has
      ? `${signed(pct, 1)} %${typeof cg === 'number' ? `; instructions ${signed(cg, 1)} % (coarse)` : ''}`
      : '—',
    control: typeof control === 'number' ? `${signed(control, 1)} %` : '—',
    verdict: verdict(has ? pct <= 2 : undefined, has ? `by ${num(pct - 2, 1)} points` : ''),
  };
}

function healthCpu(
  label: string,
  values: Record<string, number | undefined>,
  unit: string,
  control: number | undefined,
): TargetCheck {
  const proto = values['sk-serverLevel'];
  // statuskit's best way to answer its probes: serveProbesFirst when it was measured.
  const kit =
    typeof proto === 'number' && typeof values.statuskit === 'number'
      ? Math.min(values.statuskit, proto)
      : values.statuskit;
  const peers = PEERS.map((p) => [p, values[p]] as const).filter(
    (e): e is readonly [string, number] => typeof e[1] === 'number',
  );
  const best = peers.sort((a, b) => a[1] - b[1])[0];
  const has = typeof kit === 'number' && best !== undefined;
  return {
    target: `statuskit \`/healthcheck\` CPU/request ≤ best peer's health route (${label})`,
    measured: has
      ? `${num(kit, 2)} ${unit} vs ${best[0]} ${num(best[1], 2)} ${unit}` +
        (typeof proto === 'number' && typeof values.statuskit === 'number'
          ? ` (healthRoutes through Express ${num(values.statuskit, 2)} ${unit}; serveProbesFirst ${num(proto, 2)} ${unit})`
          : '')
      : '—',
    control: typeof control === 'number' ? `bare ±${num(Math.abs(control), 2)} ${unit}` : '—',
    verdict: verdict(
      has ? kit <= best[1] : undefined,
      has ? `by ${num(kit - best[1], 2)} ${unit}, ${num(kit / best[1], 1)} ×` : '',
    ),
  };
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return `${value}`;
  return value === undefined || value === null ? '—' : JSON.stringify(value);
}

/** Rows a benchmark reports itself as `targets: [{ target, measured, met }]` (fallback, outbox). */
function reported(file: ResultsFile): TargetCheck[] {
  const rows: TargetCheck[] = [];
  for (const [name, e] of Object.entries(file.benchmarks)) {
    const list = e.result?.targets;
    if (!Array.isArray(list)) continue;
    for (const t of list as Array<{ target?: unknown; name?: unknown; measured?: unknown; met?: unknown }>) {
      rows.push({
        target: `${name}: ${text(t.target ?? t.name)}`,
        measured: text(t.measured),
        control: '—',
        verdict: verdict(typeof t.met === 'boolean' ? t.met : undefined, 'see its section'),
      });
    }
  }
  return rows;
}

/** A number at a dotted path of a benchmark's result, if there is one. */
function at(result: Record<string, unknown> | undefined, dotted: string): number | undefined {
  let v: unknown = result;
  for (const k of dotted.split('.'))
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A target read from another benchmark's result: `value ≥ min`. */
function atLeast(target: string, value: number | undefined, min: number, unit: string): TargetCheck {
  const has = value !== undefined;
  return {
    target,
    measured: has ? `${num(value, 2)}${unit}` : '—',
    control: '—',
    verdict: verdict(has ? value >= min : undefined, has ? `by ${num(min - value, 2)}${unit}` : ''),
  };
}

/** Checks every performance target that the results can answer. */
export function targetChecks(file: ResultsFile): TargetCheck[] {
  const peers = ok<PeersResult>(file, 'peers');
  const inproc = ok<InprocessResult>(file, 'inprocess');
  const serverHealth = Object.fromEntries(
    Object.entries(peers?.routes.health ?? {}).map(([k, v]) => [k, v.cpuUsPerRequest.median]),
  );
  const inprocHealth = Object.fromEntries(
    Object.entries(inproc?.routes.health ?? {}).map(([k, v]) => [k, v.cpuNsPerRequest.median / 1000]),
  );
  return [
    apiThroughput(peers),
    apiCpu(inproc, ok<CallgrindResult>(file, 'callgrind')),
    healthCpu(
      'server, µs from /proc',
      serverHealth,
      'µs',
      peers?.routes.health['bare-control']?.cpuDeltaUs.median,
    ),
    healthCpu(
      'in-process',
      inprocHealth,
      'µs',
      (inproc?.routes.health['bare-control']?.deltaNs.median ?? Number.NaN) / 1000,
    ),
    atLeast(
      'memory-hit `fallback().get` ≥ cache-manager (ops/s ratio)',
      at(ok(file, 'fallback'), 'memoryHit.throughputRatio'),
      1,
      ' ×',
    ),
    atLeast(
      'outbox ≥ 50 % of the raw Streams loop (end to end, events/s ratio)',
      at(ok(file, 'outbox'), 'medianThroughputRatio.endToEnd'),
      0.5,
      ' ×',
    ),
    ...reported(file),
  ];
}

/** The targets as a Markdown table. */
export function evaluateTargets(file: ResultsFile): string {
  const rows = targetChecks(file).map((t) => [t.target, t.measured, t.control, t.verdict]);
  return table(['target', 'measured', 'bare-vs-bare control', 'verdict'], rows);
}
