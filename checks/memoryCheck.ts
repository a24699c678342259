import v8 from 'node:v8';
import type { Dependency, DependencyOptions } from '../src/dependencies/Dependency';
import { assertOptions } from '../src/validation/assert';
import { resolveCheckBase, toDependency } from './shared/resolveCheckBase';
import { formatBytes, formatRatio } from './shared/format';
import { judgeMeasures, requireSomeMeasure, resolveMeasure } from './shared/measures';
import type { Thresholds } from './shared/thresholds';

/** Options of {@link memoryCheck}: thresholds per figure, and every `Dependency` field. */
export interface MemoryCheckOptions extends DependencyOptions {
  /** @default 'memory' */
  id?: string;
  /** @default 'runtime' */
  type?: string;
  /**
   * Bounds on V8 heap used ÷ heap size limit (0–1), inclusive; `false` turns the figure off.
   * @default { maxOk: 0.85, maxMinor: 0.9, maxMajor: 0.95 }
   */
  heapUsedRatio?: Thresholds | false;
  /** Bounds on the resident set size in bytes, inclusive; `false` (the default) turns it off. @default false */
  rssBytes?: Thresholds | false;
}

/** Defaults of {@link MemoryCheckOptions} beyond the `Dependency` ones. */
export const MEMORY_CHECK_DEFAULTS = Object.freeze({
  id: 'memory',
  type: 'runtime',
  heapUsedRatio: Object.freeze({ maxOk: 0.85, maxMinor: 0.9, maxMajor: 0.95 }),
  rssBytes: false as const,
});

/**
 * A dependency that judges this process's memory: V8 heap used against the heap size limit
 * (`--max-old-space-size`), and/or RSS in bytes, each through inclusive upper bounds; the worse
 * figure wins. `observedValue`: the heap ratio (or RSS bytes when the heap figure is off).
 * Reads `v8.getHeapStatistics()` and `process.memoryUsage.rss()`: no I/O, no allocation to speak of.
 *
 * @example
 * manager.register(memoryCheck({ urgency: 'WEAK', rssBytes: { maxOk: 512 * 2 ** 20, maxMinor: 768 * 2 ** 20 } }));
 */
export function memoryCheck(opts: MemoryCheckOptions = {}): Dependency {
  const o = assertOptions<MemoryCheckOptions>('options', opts);
  const d = MEMORY_CHECK_DEFAULTS;
  const base = resolveCheckBase(o, { id: d.id, type: d.type, description: 'Process memory' });
  const heap = resolveMeasure('heapUsedRatio', o.heapUsedRatio, d.heapUsedRatio, 'max', {
    label: 'heap used',
    format: formatRatio,
    unit: 'ratio',
  });
  const rss = resolveMeasure('rssBytes', o.rssBytes, d.rssBytes, 'max', {
    label: 'RSS',
    format: formatBytes,
    unit: 'bytes',
  });
  requireSomeMeasure('heapUsedRatio or rssBytes', [heap, rss]);
  return toDependency(base, () => {
    const readings = [];
    if (heap !== undefined) {
      const stats = v8.getHeapStatistics();
      const ratio = Math.round((stats.used_heap_size / stats.heap_size_limit) * 10_000) / 10_000;
      readings.push({
        measure: { ...heap, label: `heap used (of ${formatBytes(stats.heap_size_limit)} limit)` },
        value: ratio,
      });
    }
    if (rss !== undefined) readings.push({ measure: rss, value: process.memoryUsage.rss() });
    return judgeMeasures(readings);
  });
}
