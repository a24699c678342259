import { createServer } from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import { healthRoutes } from '../../middleware/health/healthRoutes';
import { requireDependency } from '../../middleware/requireDependency';
import { serveProbesFirst } from '../../middleware/health/serveProbesFirst';
import { shortCircuit } from '../../middleware/shortCircuit';
import { DependencyManager } from '../../src/manager/DependencyManager';
import { CHECKS } from './checks';
import type { Scenario, ScenarioInstance } from './scenario';
import { API_PATH } from './scenario';
import { apiHandler, closeServer } from './serverUtil';

/** Which statuskit pieces an app mounts (the full set, or one at a time to see what each costs). */
export interface StatuskitParts {
  healthRoutes: boolean;
  shortCircuit: boolean;
  requireDependency: boolean;
  /** `serveProbesFirst`: the public probes answered from the server's `request` listener, before Express. */
  serverLevel?: boolean;
}

async function createStatuskit(parts: StatuskitParts): Promise<ScenarioInstance> {
  const registry = new Registry();
  // Every second by default; the callgrind runs, slowed ~50× by valgrind, set it far longer so a
  // varying number of background runs does not land in the counted requests.
  const pingPeriodMs = Number(process.env.STATUSKIT_BENCH_PING_MS ?? 1000);
  const manager = new DependencyManager({ appName: 'bench', registry, defaults: { pingPeriodMs } });
  for (const [id, check] of CHECKS) manager.register({ id, urgency: 'REQUIRED', check: () => check() });
  await manager.start();
  const app = express();
  if (parts.healthRoutes) app.use(healthRoutes(manager));
  // Without healthRoutes, the bare app's health route, in the same place as in bare.ts: every layer
  // before `/api` is matched on each `/api` request, so the layer order must match bare's.
  else app.get('/healthcheck', (_req, res) => void res.json({ status: 'ok' }));
  if (parts.shortCircuit) app.use(shortCircuit(manager, { registry }));
  if (parts.requireDependency) app.get(API_PATH, requireDependency(manager, 'database'), apiHandler);
  else app.get(API_PATH, apiHandler);
  const server = createServer(app);
  if (parts.serverLevel === true) serveProbesFirst(server, manager);
  return {
    server,
    healthServer: server,
    healthPath: '/healthcheck',
    healthListening: false,
    close: async () => {
      await manager.stop();
      await closeServer(server);
    },
  };
}

/**
 * statuskit as the README sets it up: a manager with the three checks in the background (every
 * second, ten times the default rate), `healthRoutes`, `shortCircuit` in front of the routes and a
 * `requireDependency` gate on `/api`. Metrics go to a registry of their own, as in a real service.
 */
export const statuskit: Scenario = {
  name: 'statuskit',
  description:
    'statuskit: `healthRoutes` + `shortCircuit` + `requireDependency(manager, "database")` on `/api`; the 3 checks run in the background every 1 s; `/healthcheck` answers from the cached snapshot.',
  create: () => createStatuskit({ healthRoutes: true, shortCircuit: true, requireDependency: true }),
};

/**
 * One statuskit piece alone on bare Express (in-process only), to see what each adds to `/api`;
 * and the full set-up with `serveProbesFirst` (probes answered before Express).
 */
export const statuskitParts: readonly Scenario[] = Object.freeze([
  ...(['healthRoutes', 'shortCircuit', 'requireDependency'] as const).map((part): Scenario => ({
    name: `sk-${part}`,
    description: `statuskit's \`${part}\` alone on bare Express (the health route of the others is the bare one).`,
    create: () =>
      createStatuskit({ healthRoutes: false, shortCircuit: false, requireDependency: false, [part]: true }),
  })),
  {
    name: 'sk-serverLevel',
    description:
      "statuskit's full set-up plus `serveProbesFirst(server, manager)`: `/healthcheck`, `/livez` and `/readyz` answered from the server's `request` listener before Express, as terminus does.",
    create: () =>
      createStatuskit({ healthRoutes: true, shortCircuit: true, requireDependency: true, serverLevel: true }),
  },
]);
