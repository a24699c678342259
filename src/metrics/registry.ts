import { Counter, Gauge, Histogram, register as globalRegistry, type Registry } from 'prom-client';
import { ConfigError } from '../errors/ConfigError';
import type { MetricDefinition } from './METRICS';

/** Where a component registers its metrics: a prom-client `Registry`, or `false` for none. */
export type RegistryOption = Registry | false | undefined;

/** Resolves the `registry` option: `undefined` → prom-client's global registry; `false` → none. */
export function resolveRegistry(option: unknown, name = 'registry'): Registry | undefined {
  if (option === false) return undefined;
  if (option === undefined) return globalRegistry;
  if (
    typeof option === 'object' &&
    option !== null &&
    typeof (option as Registry).getSingleMetric === 'function' &&
    typeof (option as Registry).registerMetric === 'function'
  ) {
    return option as Registry;
  }
  throw new ConfigError(name, option, 'a prom-client Registry or false');
}

type Ctor<M> = new (cfg: never) => M;

function getOrCreate<M>(
  registry: Registry,
  def: MetricDefinition,
  ctor: Ctor<M>,
  extra: Record<string, unknown> = {},
): M {
  const existing = registry.getSingleMetric(def.name);
  if (existing) return existing as unknown as M;
  const cfg = {
    name: def.name,
    help: def.help,
    labelNames: [...def.labelNames],
    registers: [registry],
    ...extra,
  };
  return new ctor(cfg as never);
}

/** The registry's gauge named by `def`, created on first use (prom-client throws on a second registration). */
export function gauge(registry: Registry, def: MetricDefinition): Gauge {
  return getOrCreate(registry, def, Gauge as unknown as Ctor<Gauge>);
}

/**
 * The registry's counter named by `def`, created on first use; `collect` (run by prom-client before
 * each scrape) is set only when this call creates it.
 */
export function counter(registry: Registry, def: MetricDefinition, collect?: () => void): Counter {
  return getOrCreate(registry, def, Counter as unknown as Ctor<Counter>, collect ? { collect } : {});
}

/** The registry's histogram named by `def`, created on first use. */
export function histogram(registry: Registry, def: MetricDefinition, buckets?: number[]): Histogram {
  return getOrCreate(registry, def, Histogram as unknown as Ctor<Histogram>, buckets ? { buckets } : {});
}
