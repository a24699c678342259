import type { Scenario } from './scenario';

/**
 * A competitor's scenario module, by a computed path: the libraries they wrap live in this
 * folder's own package (installed by `npm run bench`), so the library's type-check, which reaches
 * this file through bench/lib, must not follow these imports into packages it may not have.
 */
async function competitor(file: string, name: string): Promise<Scenario> {
  const mod: Record<string, Scenario> = await import(`./${file}`);
  const scenario = mod[name];
  if (scenario === undefined) throw new Error(`bench/peers/${file} exports no ${name}`);
  return scenario;
}

/**
 * Every scenario, loaded lazily by name so that one whose library (or statuskit middleware) fails
 * to load is reported and skipped, not fatal to the run.
 */
const LOADERS: Record<string, () => Promise<Scenario>> = {
  bare: async () => (await import('./bare')).bare,
  statuskit: async () => (await import('./statuskit')).statuskit,
  terminus: () => competitor('terminus', 'terminus'),
  lightship: () => competitor('lightship', 'lightship'),
  actuator: () => competitor('actuator', 'actuatorScenario'),
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
