import { createServer } from 'node:http';
import express from 'express';
import { CHECKS, runAllChecks } from './checks';
import type { Scenario } from './scenario';
import { API_PATH } from './scenario';
import { apiHandler, closeServer } from './serverUtil';

/**
 * What users write by hand: an interceptor that runs every check before each request (503 when
 * one fails) and a `/healthcheck` that runs them again and reports each one.
 */
export const naive: Scenario = {
  name: 'naive',
  description:
    'Hand-written: an `app.use` interceptor awaiting the 3 checks on every request, and a `/healthcheck` that runs them and reports each.',
  async create() {
    const app = express();
    app.get('/healthcheck', async (_req, res) => {
      const settled = await Promise.allSettled(CHECKS.map(([, check]) => check()));
      const checks = Object.fromEntries(
        CHECKS.map(([id], i) => [id, settled[i].status === 'fulfilled' ? 'up' : 'down']),
      );
      const up = settled.every((s) => s.status === 'fulfilled');
      res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'error', checks });
    });
    app.use(async (_req, res, next) => {
      try {
        await runAllChecks();
      } catch {
        res.status(503).json({ error: 'unavailable' });
        return;
      }
      next();
    });
    app.get(API_PATH, apiHandler);
    const server = createServer(app);
    return {
      server,
      healthServer: server,
      healthPath: '/healthcheck',
      healthListening: false,
      close: () => closeServer(server),
    };
  },
};
