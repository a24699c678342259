import { createServer, type Server } from 'node:http';
import express from 'express';
import type { createLightship as CreateLightship } from 'lightship';
import type { Scenario } from './scenario';
import { API_PATH } from './scenario';
import { apiHandler, closeServer } from './serverUtil';

// lightship 9's CommonJS entry is broken (its package is "type": "module"), so load its ESM entry
// with a real dynamic import, which TypeScript's CommonJS output would otherwise turn into require().
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a constant body, not user input
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

async function loadLightship(): Promise<typeof CreateLightship> {
  const mod = (await importEsm('lightship')) as { createLightship: typeof CreateLightship };
  return mod.createLightship;
}

/**
 * `lightship`: the app serves `/api`; lightship runs its own fastify probe server (on a free port:
 * outside Kubernetes it picks port 0) answering `/health` from its readiness state. It runs no
 * checks itself: users call `signalReady()` / `signalNotReady()`.
 */
export const lightship: Scenario = {
  name: 'lightship',
  description:
    '`lightship`: its own fastify probe server on a free port, `/health` answered from the state set by `signalReady()`; no checks.',
  async create() {
    const createLightship = await loadLightship();
    const ship = await createLightship({ detectKubernetes: true, signals: [], terminate: () => undefined });
    ship.signalReady();
    const app = express();
    app.get(API_PATH, apiHandler);
    const server = createServer(app);
    const healthServer: Server = ship.server;
    return {
      server,
      healthServer,
      healthPath: '/health',
      healthListening: true,
      close: async () => {
        await closeServer(server);
        await closeServer(healthServer);
      },
    };
  },
};
