import { createServer } from 'node:http';
import { createTerminus } from '@godaddy/terminus';
import express from 'express';
import { runAllChecks } from './checks';
import type { Scenario } from './scenario';
import { API_PATH } from './scenario';
import { apiHandler, closeServer } from './serverUtil';

/**
 * `@godaddy/terminus` as its README shows: `createTerminus(server, { healthChecks })`. It wraps the
 * server's `request` listener (so `/api` pays a path lookup too) and runs the checks on every probe.
 */
export const terminus: Scenario = {
  name: 'terminus',
  description:
    '`@godaddy/terminus`: `createTerminus(server, { healthChecks: { "/healthcheck": … } })`; the 3 checks run on every probe.',
  async create() {
    const app = express();
    app.get(API_PATH, apiHandler);
    const server = createServer(app);
    createTerminus(server, {
      healthChecks: { '/healthcheck': () => runAllChecks() },
      // No signal handlers: the benchmark stops its servers itself.
      signals: [],
    });
    return {
      server,
      healthServer: server,
      healthPath: '/healthcheck',
      healthListening: false,
      close: () => closeServer(server),
    };
  },
};
