/**
 * Child-process entry of the load generator: a long-lived process (pinned to its own core) that
 * runs one autocannon measurement per `{ type: 'run', ... }` IPC message and answers
 * `{ type: 'result', ... }` with the figures the benchmark keeps.
 */
import { createRequire } from 'node:module';

/** A measurement request. */
export interface LoadRequest {
  type: 'run';
  url: string;
  durationS: number;
  connections: number;
}

/** What one measurement found. */
export interface LoadResult {
  type: 'result';
  /** Responses received. */
  completed: number;
  /** Measured seconds. */
  durationS: number;
  requestsPerSecond: number;
  /** Latency percentiles in ms (autocannon's resolution is 1 ms). */
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface AutocannonResult {
  requests: { total: number };
  duration: number;
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

// autocannon ships no types.
const autocannon = createRequire(__filename)('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<AutocannonResult>;

async function measure(req: LoadRequest): Promise<LoadResult> {
  const r = await autocannon({
    url: req.url,
    duration: req.durationS,
    connections: req.connections,
    pipelining: 1,
  });
  return {
    type: 'result',
    completed: r.requests.total,
    durationS: r.duration,
    requestsPerSecond: r.requests.total / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

if (require.main === module) {
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'run') {
      measure(m as LoadRequest).then(
        (result) => process.send?.(result),
        (err: unknown) =>
          process.send?.({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
      );
    } else if (m.type === 'stop') process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready' });
}
