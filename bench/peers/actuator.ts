import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import express, { type RequestHandler } from 'express';
import type { Scenario } from './scenario';
import { API_PATH } from './scenario';
import { apiHandler, closeServer } from './serverUtil';

// express-actuator ships no types.
const load = createRequire(__filename);
const actuator = load('express-actuator') as (opts?: Record<string, unknown>) => RequestHandler;

/**
 * `express-actuator` with its defaults: a router serving `/info`, `/metrics` and `/health`
 * (a static `{ status: 'UP' }`; it runs no checks) mounted before the routes.
 */
export const actuatorScenario: Scenario = {
  name: 'actuator',
  description:
    '`express-actuator()` router mounted before the routes; `/health` answers a static `{ status: "UP" }`, no checks.',
  async create() {
    const app = express();
    app.use(actuator());
    app.get(API_PATH, apiHandler);
    const server = createServer(app);
    return {
      server,
      healthServer: server,
      healthPath: '/health',
      healthListening: false,
      close: () => closeServer(server),
    };
  },
};
