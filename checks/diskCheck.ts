import { statfs } from 'node:fs/promises';
import type { Dependency, DependencyOptions } from '../src/dependencies/Dependency';
import { TimeoutError } from '../src/errors/TimeoutError';
import { redact } from '../src/redaction/redact';
import { withTimeout } from '../src/timing/withTimeout';
import { assertNonEmptyString, assertOptions } from '../src/validation/assert';
import { resolveCheckBase, toDependency } from './shared/resolveCheckBase';
import { describeNetError } from './shared/describeNetError';
import { formatBytes, formatRatio } from './shared/format';
import { judgeMeasures, requireSomeMeasure, resolveMeasure } from './shared/measures';
import type { FloorThresholds } from './shared/thresholds';

/** Options of {@link diskCheck}: lower bounds per figure, and every `Dependency` field. */
export interface DiskCheckOptions extends DependencyOptions {
  /** @default 'disk' */
  id?: string;
  /** @default 'disk' */
  type?: string;
  /**
   * Lower bounds on the share of the file system free for unprivileged users (0–1), inclusive;
   * `false` turns the figure off.
   * @default { minOk: 0.1, minMinor: 0.05, minMajor: 0.02 }
   */
  minFreeRatio?: FloorThresholds | false;
  /** Lower bounds on free bytes, inclusive; `false` (the default) turns the figure off. @default false */
  minFreeBytes?: FloorThresholds | false;
}

/** The figures of `fs.statfs` a disk check reads. */
interface FsStats {
  bavail: number;
  bsize: number;
  blocks: number;
}

/** The one `statfs` of a check in flight, shared by every run until it settles. */
interface StatfsCall {
  readonly promise: Promise<FsStats>;
  readonly startedAt: number;
}

/** Defaults of {@link DiskCheckOptions} beyond the `Dependency` ones. */
export const DISK_CHECK_DEFAULTS = Object.freeze({
  id: 'disk',
  type: 'disk',
  minFreeRatio: Object.freeze({ minOk: 0.1, minMinor: 0.05, minMajor: 0.02 }),
  minFreeBytes: false as const,
});

/**
 * A dependency that judges the free space of the file system holding `path` (`fs.statfs`):
 * the free ratio and/or free bytes through inclusive lower bounds (`≥ minOk` OK, `≥ minMinor`
 * MINOR, `≥ minMajor` MAJOR, else OUTAGE); the worse figure wins. "Free" is what an unprivileged
 * process may still write (`bavail`). A path that cannot be read is OUTAGE; a hung file system
 * (a stale NFS mount) is bounded by `timeoutMs` (default 2000). `observedValue`: the free ratio (or
 * free bytes when the ratio is off).
 *
 * At most one `statfs` is in flight: a run while the previous call still hangs waits on that same
 * call (up to `timeoutMs`) instead of starting another, and reports OUTAGE when it has not returned;
 * the run after it returns starts a fresh one. A timed-out `statfs` cannot be cancelled and holds a
 * libuv thread until the kernel answers, so one per run on a stuck mount would drain the pool that
 * DNS and every `fs` call share.
 *
 * @example
 * manager.register(diskCheck('/var/lib/app', { urgency: 'STRONG', minFreeBytes: { minOk: 5 * 2 ** 30 } }));
 */
export function diskCheck(path: string, opts: DiskCheckOptions = {}): Dependency {
  const dir = assertNonEmptyString('path', path);
  const o = assertOptions<DiskCheckOptions>('options', opts);
  const d = DISK_CHECK_DEFAULTS;
  const base = resolveCheckBase(o, { id: d.id, type: d.type, description: `Free space at ${dir}` });
  const ratio = resolveMeasure('minFreeRatio', o.minFreeRatio, d.minFreeRatio, 'min', {
    label: 'free',
    format: formatRatio,
    unit: 'ratio',
  });
  const bytes = resolveMeasure('minFreeBytes', o.minFreeBytes, d.minFreeBytes, 'min', {
    label: 'free',
    format: formatBytes,
    unit: 'bytes',
  });
  requireSomeMeasure('minFreeRatio or minFreeBytes', [ratio, bytes]);
  let inFlight: StatfsCall | undefined;
  const currentCall = (): StatfsCall => {
    if (inFlight !== undefined) return inFlight;
    const call: StatfsCall = { promise: statfs(dir), startedAt: Date.now() };
    inFlight = call;
    const settled = (): void => {
      if (inFlight === call) inFlight = undefined;
    };
    call.promise.then(settled, settled);
    return call;
  };
  return toDependency(base, async ({ signal }) => {
    const startedAt = Date.now();
    const call = currentCall();
    let stats: FsStats;
    try {
      stats = await withTimeout(() => call.promise, base.timeoutMs, `statfs ${dir}`, signal);
    } catch (err) {
      let why = err instanceof TimeoutError ? `no answer within ${err.timeoutMs} ms` : describeNetError(err);
      if (err instanceof TimeoutError && call.startedAt < startedAt)
        why += ` (a statfs pending for ${Date.now() - call.startedAt} ms; no other starts until it returns)`;
      return { status: 'OUTAGE', message: redact(`cannot read free space at ${dir}: ${why}`) };
    }
    const readings = [];
    if (ratio !== undefined) {
      const value = stats.blocks > 0 ? Math.round((stats.bavail / stats.blocks) * 10_000) / 10_000 : 0;
      readings.push({ measure: ratio, value });
    }
    if (bytes !== undefined) readings.push({ measure: bytes, value: stats.bavail * stats.bsize });
    return judgeMeasures(readings);
  });
}
