/** Markdown helpers for the results report. */

/** A Markdown table; cells are escaped for `|`. */
export function table(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  align?: readonly ('l' | 'r')[],
): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  const rule = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((r) => `| ${r.map(esc).join(' | ')} |`).join('\n');
}

/** A number with `digits` decimals, `—` when missing (JSON turns NaN into null). */
export function num(value: unknown, digits = 1): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A signed number: `+1.2`, `−0.4`. */
export function signed(value: unknown, digits = 1): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  const text = num(Math.abs(value), digits);
  return value < 0 ? `−${text}` : `+${text}`;
}

/** Median with its interquartile range, e.g. `0.98 [0.95, 1.01]`. */
export function withRange(
  s: { median?: unknown; q1?: unknown; q3?: unknown } | undefined,
  digits: number,
  sign = false,
): string {
  if (s === undefined) return '—';
  const f = sign ? signed : num;
  if (typeof s.median !== 'number') return '—';
  return `${f(s.median, digits)} [${f(s.q1, digits)}, ${f(s.q3, digits)}]`;
}

/**
 * Flattens a nested result into `path → value` rows (short arrays of primitives joined; arrays of
 * objects, such as per-round raw data, left to the JSON file), for benchmarks whose shape the
 * report does not know.
 */
export function flatten(
  value: unknown,
  prefix = '',
  out: Array<[string, string]> = [],
): Array<[string, string]> {
  if (value === null || typeof value !== 'object') {
    out.push([
      prefix,
      typeof value === 'number' ? num(value, Number.isInteger(value) ? 0 : 2) : String(value),
    ]);
  } else if (Array.isArray(value)) {
    const primitives = value.every((v) => v === null || typeof v !== 'object');
    const inline = primitives && value.length <= 12;
    out.push([
      prefix,
      inline ? value.map(String).join(', ') : `${value.length} entries: see results/latest.json`,
    ]);
  } else {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  }
  return out;
}
