import type { OutgoingHttpHeaders } from 'node:http';
import type { Dependency, DependencyOptions } from '../src/dependencies/Dependency';
import { CheckStatus } from '../src/status/CheckStatus';
import { assertOptions } from '../src/validation/assert';
import type { HttpAnswer } from './http/httpRequest';
import { parseHttpUrl, probeHttp, type HttpProbeSpec } from './http/probeHttp';
import { safeUrl } from './http/safeUrl';
import { idFromHost, resolveCheckBase, toDependency } from './shared/resolveCheckBase';

/** Options of {@link statuskitCheck}: every `Dependency` field plus request headers. */
export interface StatuskitCheckOptions extends DependencyOptions {
  /** @default 'statuskit-<host>' */
  id?: string;
  /** @default 'statuskit' */
  type?: string;
  /** Extra request headers (never shown in messages). @default {} */
  headers?: OutgoingHttpHeaders;
}

/** Defaults of {@link StatuskitCheckOptions} beyond the `Dependency` ones. */
export const STATUSKIT_CHECK_DEFAULTS = Object.freeze({ type: 'statuskit', path: '/healthcheck' });

/** Bytes of a report read at most: a summary report is under 200 bytes. */
const MAX_REPORT_BYTES = 65_536;

/** The summary body another statuskit service's `/healthcheck` answers (see `healthRoutes`). */
interface StatuskitSummary {
  hostname?: string;
  condition: CheckStatus;
  dcStatus: string;
}

/**
 * A dependency on another statuskit service: reads its `/healthcheck` summary
 * (`{ hostname, duration, condition, dcStatus }`) and reports its `condition` as our status —
 * whatever the HTTP status (a 503 carries the report of an OUTAGE or a draining service).
 * Unreachable, silent past `timeoutMs` (default 2000), or answering anything that is not a
 * statuskit report (HTML, other JSON, a truncated body) → OUTAGE with a message saying which.
 * A URL without a path gets `/healthcheck`; redirects are not followed. `observedValue`: latency ms.
 *
 * @example
 * manager.register(statuskitCheck('http://orders.internal:3000', { urgency: 'STRONG' }));
 */
export function statuskitCheck(url: string | URL, opts: StatuskitCheckOptions = {}): Dependency {
  const target = parseHttpUrl('url', url);
  if (target.pathname === '/' || target.pathname === '') target.pathname = STATUSKIT_CHECK_DEFAULTS.path;
  const o = assertOptions<StatuskitCheckOptions>('options', opts);
  const base = resolveCheckBase(o, {
    id: idFromHost('statuskit', target.host),
    type: STATUSKIT_CHECK_DEFAULTS.type,
    description: `statuskit service at ${target.host}`,
  });
  const spec: HttpProbeSpec = {
    method: 'GET',
    // A plain JSON Accept gets the summary body, not the health+json document or the HTML page.
    headers: { ...assertOptions<OutgoingHttpHeaders>('headers', o.headers), accept: 'application/json' },
    maxBodyBytes: MAX_REPORT_BYTES,
    maxRedirects: 0,
  };
  const shown = safeUrl(target);
  return toDependency(base, async ({ signal }) => {
    const probe = await probeHttp(target, spec, base.timeoutMs, signal);
    if (!probe.ok) return { status: 'OUTAGE', message: `statuskit service unreachable: ${probe.reason}` };
    const report = parseSummary(probe.answer);
    if (report === undefined) {
      return { status: 'OUTAGE', message: `${shown} ${describeNonReport(probe.answer)}` };
    }
    const who = report.hostname ? `${report.hostname} at ${shown}` : shown;
    return {
      status: report.condition,
      message: `${who} reports ${report.condition} (HTTP ${probe.answer.status}, dcStatus ${report.dcStatus})`,
      observedValue: probe.latencyMs,
      observedUnit: 'ms',
    };
  });
}

function parseSummary(answer: HttpAnswer): StatuskitSummary | undefined {
  if (answer.truncated) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  if (!CheckStatus.is(b.condition) || typeof b.dcStatus !== 'string') return undefined;
  const out: StatuskitSummary = { condition: b.condition, dcStatus: b.dcStatus };
  if (typeof b.hostname === 'string') out.hostname = b.hostname.slice(0, 255);
  return out;
}

function describeNonReport(answer: HttpAnswer): string {
  const type = String(answer.headers['content-type'] ?? 'no content type').split(';')[0];
  const why = answer.truncated ? `a body over ${MAX_REPORT_BYTES} bytes` : `${type}`;
  return (
    `answered HTTP ${answer.status} with ${why}, not a statuskit report ` +
    '(expected JSON { hostname, duration, condition, dcStatus })'
  );
}
