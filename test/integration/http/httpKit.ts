import express, { type Express } from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { healthRoutes } from '../../../middleware/health/healthRoutes';
import type { HealthRoutesOptions } from '../../../middleware/health/HealthRoutesOptions';
import { DependencyManager } from '../../../src/manager/DependencyManager';
import type { CheckStatus } from '../../../src/status/CheckStatus';
import type { Urgency } from '../../../src/status/Urgency';
import { ControlledCheck } from '../../support/ControlledCheck';

/** What a browser sends as `Accept` for a page: asks for the HTML status page. */
export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** A manager with controlled live dependencies (each `evaluate()` re-runs them) and an app serving the health routes. */
export interface HealthKit {
  manager: DependencyManager;
  checks: Record<string, ControlledCheck>;
  app: Express;
  /** Sets one dependency's outcome and stores a fresh result. */
  set(id: string, status: CheckStatus, message?: string): Promise<void>;
}

/** Builds a {@link HealthKit}; the manager is not started. */
export function healthKit(
  deps: Record<string, Urgency> = { db: 'REQUIRED' },
  opts: HealthRoutesOptions = {},
): HealthKit {
  const manager = new DependencyManager({ appName: 'shop', registry: false });
  const checks: Record<string, ControlledCheck> = {};
  for (const [id, urgency] of Object.entries(deps)) {
    checks[id] = new ControlledCheck({
      id,
      urgency,
      mode: 'live',
      type: 'database',
      description: `the ${id}`,
    });
    manager.register(checks[id].dependency);
  }
  const app = express();
  app.use(healthRoutes(manager, { hostname: 'test-host', ...opts }));
  return {
    manager,
    checks,
    app,
    async set(id, status, message) {
      checks[id].status = status;
      checks[id].message = message;
      await manager.evaluate();
    },
  };
}

/** A non-loopback IPv4 address of this machine: connecting to it makes the server see a remote peer. */
export function externalAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('this machine has no non-loopback IPv4 interface; the remote-client tests need one');
}

/** Listens on every interface on a free port; returns the base URL a "remote" client uses. */
export async function listenRemote(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${externalAddress()}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
