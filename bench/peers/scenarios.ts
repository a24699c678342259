import type { Scenario } from './scenario';

/**
 * Every scenario, loaded lazily by name so that one whose library (or statuskit middleware) fails
 * to load is reported and skipped, not fatal to the run.
 */
const LOADERS: Record<string, () => Promise<Scenario>> = {
  bare: async () => (await import('./bare')).bare,
  statuskit: async () => (await import('./statuskit')).statuskit,
  terminus: async () => (await import('./terminus')).terminus,
  lightship: async () => (await import('./lightship')).lightship,
  actuator: async () => (await import('./actuator')).actuatorScenario,
  naive: async () => (await import('./naive')).naive,
};

/** statuskit's pieces one at a time: in-process only, to attribute what the kit adds to `/api`. */
const PART_LOADERS: Record<string, () => Promise<Scenario>> = Object.fromEntries(
  ['sk-healthRoutes', 'sk-shortCircuit', 'sk-requireDependency', 'sk-serverLevel'].map((name) => [
    name,
    async () => (await import('./statuskit')).statuskitParts.find((s) => s.name === name)!,
  ]),
);

/** Scenario names in table order: the baseline first, statuskit next, then the peers. */
export const SCENARIO_NAMES: readonly string[] = Object.freeze(Object.keys(LOADERS));

/** Names of the statuskit-piece scenarios (in-process breakdown). */
export const PART_NAMES: readonly string[] = Object.freeze(Object.keys(PART_LOADERS));

/** The scenario with this name; rejects when unknown or when its module fails to load. */
export async function loadScenario(name: string): Promise<Scenario> {
  const loader = LOADERS[name] ?? PART_LOADERS[name];
  if (loader === undefined) throw new Error(`unknown scenario "${name}"`);
  return loader();
}
