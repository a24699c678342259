/**
 * One instance of the fleet in `fleet.ts`: on `{ type: 'round', mode, key, callers }` it makes
 * `callers` concurrent calls for the cold `key` through `mode` and answers each call's latency and
 * whether this process's own source answered it. The source counts its calls with a Redis INCR, so
 * the count spans the processes.
 */
import KeyvRedis, { Keyv } from '@keyv/redis';
import { createCache } from 'cache-manager';
import Redis from 'ioredis';
import { RedisCache } from '../../src/cache/RedisCache';
import { fallback, type Fallback } from '../../src/fallback/fallback';

/** The single flights compared. */
export type FleetMode = 'fleet' | 'process' | 'cache-manager';

/** A round the parent asks for. */
export interface RoundRequest {
  type: 'round';
  mode: FleetMode;
  key: string;
  callers: number;
}

/** What a worker answers for a round: per call, its latency in ms and whether its own source answered. */
export interface RoundReply {
  type: 'round';
  ms: number[];
  own: boolean[];
}

const url = process.env.REDIS_URL!;
const sourceMs = Number(process.env.SOURCE_MS);
const TTL_MS = 60_000;
const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
const counter = new Redis(url, { maxRetriesPerRequest: 1 });
const keyv = new KeyvRedis(url);
const cm = createCache({ stores: [new Keyv({ store: keyv, namespace: 'cm' })], ttl: TTL_MS });

/** The source: counted fleet-wide, `sourceMs` long, flags the value as this process's own. */
function source(mode: FleetMode) {
  return async (key: string) => {
    await counter.incr(`calls:${mode}:${key}`);
    await new Promise((r) => setTimeout(r, sourceMs));
    return { key, pid: process.pid };
  };
}

const chains: Record<'fleet' | 'process', Fallback<{ key: string; pid: number }, [string]>> = {
  fleet: fallback({
    name: 'bench-fleet',
    key: (k: string) => k,
    cache: new RedisCache(redis),
    ttlMs: TTL_MS,
    sources: [source('fleet')],
    singleFlight: 'fleet',
    registry: false,
  }),
  process: fallback({
    name: 'bench-process',
    key: (k: string) => k,
    cache: new RedisCache(redis),
    ttlMs: TTL_MS,
    sources: [source('process')],
    registry: false,
  }),
};
const cmSource = source('cache-manager');

function call(mode: FleetMode, key: string): Promise<{ key: string; pid: number }> {
  if (mode === 'cache-manager') return cm.wrap(key, () => cmSource(key), TTL_MS);
  return chains[mode].get(key).then((r) => r.value);
}

async function round(req: RoundRequest): Promise<RoundReply> {
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: req.callers }, () =>
      call(req.mode, req.key).then((v) => ({ ms: performance.now() - started, own: v.pid === process.pid })),
    ),
  );
  return { type: 'round', ms: answers.map((a) => a.ms), own: answers.map((a) => a.own) };
}

process.on('message', (m: RoundRequest | { type: 'stop' }) => {
  if (m.type === 'stop') {
    redis.disconnect();
    counter.disconnect();
    void keyv.disconnect().finally(() => process.exit(0));
    return;
  }
  round(m).then(
    (reply) => process.send!(reply),
    (err: unknown) => process.send!({ type: 'error', message: String(err) }),
  );
});
process.on('disconnect', () => process.exit(1));
redis.once('ready', () => process.send!({ type: 'ready' }));
