import type { CheckResultSet } from '../../src/dependencies/CheckResult';
import type { CheckStatus } from '../../src/status/CheckStatus';
import {
  buildDetailedReport,
  buildSummary,
  viewResult,
  type HistoryReader,
  type SummaryContext,
} from './healthDocuments';
import { buildHealthJson, HEALTH_JSON_TYPE } from './buildHealthJson';
import type { ResolvedHealthOptions } from './HealthRoutesOptions';
import type { HealthSource } from '../HealthSource';
import { isDegradedAnswer, markDegraded } from './probeAnswers';
import { statusPageRenderer } from './statusPageRenderer';

/** A serialised answer, ready to write. */
export interface PreparedAnswer {
  readonly statusCode: number;
  readonly contentType: string;
  readonly body: Buffer;
  /** Send `x-envoy-degraded: true` with it (decided when the answer is prepared, not per request). */
  readonly degraded?: boolean;
}

/** JSON content type of every JSON answer. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** Everything derived from one snapshot; each field is built on first use. */
interface Frame {
  readonly version: number;
  readonly draining: boolean;
  readonly status: CheckStatus;
  readonly set: CheckResultSet;
  lb?: PreparedAnswer;
  healthJson?: PreparedAnswer;
  publicHealthJson?: PreparedAnswer;
  details?: PreparedAnswer;
  page?: PreparedPage;
  readonly byId: Map<string, PreparedAnswer>;
}

/** The HTML status page of one snapshot: its status code, a renderer taking the clock, the header flag. */
export interface PreparedPage {
  readonly statusCode: number;
  readonly render: (now: number) => Buffer;
  /** Send `x-envoy-degraded: true` with it. */
  readonly degraded: boolean;
}

/** Serialises `value` once into a {@link PreparedAnswer}. */
export function prepare(statusCode: number, contentType: string, value: unknown): PreparedAnswer {
  return { statusCode, contentType, body: Buffer.from(JSON.stringify(value)) };
}

/**
 * The health answers of one router, serialised when the manager's state changes, not per request:
 * every manager event that can change an answer bumps the manager's `version`, and the first
 * request after a change re-serialises the view it asks for (at most once per change). A request
 * only compares `version`, `draining` and `systemStatus` (three property reads) before writing a
 * prepared buffer.
 */
export class HealthAnswers {
  private frame: Frame | undefined;
  private readonly history: HistoryReader | undefined;

  constructor(
    private readonly manager: HealthSource,
    private readonly opts: ResolvedHealthOptions,
  ) {
    this.history = typeof manager.history === 'function' ? (id) => manager.history!(id) : undefined;
  }

  /** The status code `/healthcheck` answers for `status` (draining overrides). */
  codeFor(status: CheckStatus, draining: boolean): number {
    return this.opts.statusCodes[draining ? 'DRAINING' : status];
  }

  /** Whether an answer with `code` for a system in `status` carries `x-envoy-degraded`. */
  private degraded(code: number, status: CheckStatus): boolean {
    return this.opts.degradedHeader && isDegradedAnswer(code, status);
  }

  private current(): Frame {
    const m = this.manager;
    const f = this.frame;
    if (
      f !== undefined &&
      f.version === m.version &&
      f.draining === m.draining &&
      f.status === m.systemStatus
    ) {
      return f;
    }
    const set = m.snapshot();
    const next: Frame = {
      version: m.version,
      draining: m.draining,
      status: set.systemStatus,
      set,
      byId: new Map(),
    };
    this.frame = next;
    return next;
  }

  /** The load balancer's `{ hostname, duration, condition, dcStatus }`. */
  summary(): PreparedAnswer {
    const f = this.current();
    if (f.lb === undefined) {
      const code = this.codeFor(f.set.systemStatus, f.draining);
      const answer = prepare(code, JSON_TYPE, buildSummary(f.set, this.reportContext(f.draining, code)));
      f.lb = markDegraded(answer, this.degraded(code, f.set.systemStatus));
    }
    return f.lb;
  }

  /**
   * The `application/health+json` document: `full` (for clients that may see the private views,
   * or everyone with `publicDetails`), else statuses only. Both variants are kept per snapshot.
   */
  healthJson(full: boolean): PreparedAnswer {
    const f = this.current();
    if (full) {
      f.healthJson ??= this.healthJsonOf(f, true);
      return f.healthJson;
    }
    f.publicHealthJson ??= this.healthJsonOf(f, false);
    return f.publicHealthJson;
  }

  private healthJsonOf(f: Frame, full: boolean): PreparedAnswer {
    const code = this.codeFor(f.set.systemStatus, f.draining);
    const answer = prepare(
      code,
      HEALTH_JSON_TYPE,
      buildHealthJson(f.set, this.opts.appName, f.draining, full),
    );
    return markDegraded(answer, this.degraded(code, f.set.systemStatus));
  }

  /** The detailed report of the latest snapshot. */
  details(): PreparedAnswer {
    const f = this.current();
    f.details ??= this.report(f.set, f.draining);
    return f.details;
  }

  /** The detailed report of `set` (used for fresh evaluations too). */
  report(set: CheckResultSet, draining: boolean): PreparedAnswer {
    const code = this.codeFor(set.systemStatus, draining);
    const answer = prepare(code, JSON_TYPE, buildDetailedReport(set, this.reportContext(draining, code)));
    return markDegraded(answer, this.degraded(code, set.systemStatus));
  }

  /** The HTML status page of the latest snapshot: status code and a renderer taking the clock. */
  page(): PreparedPage {
    const f = this.current();
    f.page ??= this.pageOf(f.set, f.draining);
    return f.page;
  }

  /** The HTML status page of `set`. */
  pageOf(set: CheckResultSet, draining: boolean): PreparedPage {
    const code = this.codeFor(set.systemStatus, draining);
    const report = buildDetailedReport(set, this.reportContext(draining, code));
    return {
      statusCode: code,
      render: statusPageRenderer(report, { refreshSeconds: this.opts.refreshSeconds, draining }),
      degraded: this.degraded(code, set.systemStatus),
    };
  }

  /** One dependency's raw result: 200 unless OUTAGE (503); `undefined` when it has no result. */
  result(id: string): PreparedAnswer | undefined {
    const f = this.current();
    let answer = f.byId.get(id);
    if (answer === undefined) {
      const r = f.set.get(id);
      if (r === undefined) return undefined;
      answer = prepare(r.status === 'OUTAGE' ? 503 : 200, JSON_TYPE, viewResult(r, this.history));
      f.byId.set(id, answer);
    }
    return answer;
  }

  private reportContext(draining: boolean, statusCode: number): SummaryContext {
    return {
      hostname: this.opts.hostname,
      appName: this.opts.appName,
      draining,
      statusCode,
      history: this.history,
    };
  }
}
