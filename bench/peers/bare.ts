import { createServer } from 'node:http';
import express from 'express';
import type { Scenario } from './scenario';
import { API_PATH } from './scenario';
import { apiHandler, closeServer } from './serverUtil';

/**
 * Express 5 with nothing else: `/api` and a hand-written static `/healthcheck`. The baseline every
 * other scenario is compared with, and (run twice, as two processes) the noise-floor control.
 */
export const bare: Scenario = {
  name: 'bare',
  description:
    'Express 5 alone: `/api` and a hand-written static `/healthcheck` (`res.json({ status: "ok" })`).',
  async create() {
    const app = express();
    app.get('/healthcheck', (_req, res) => {
      res.json({ status: 'ok' });
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
