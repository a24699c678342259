import type { Server } from 'node:http';

/**
 * One way of serving `/api` plus a health route, built the way a user of that library would.
 * `create()` returns servers that are not listening yet (except where the library insists on
 * listening itself, like lightship's probe server), so the same instance serves real sockets in
 * the server benchmark and injected requests in the in-process one.
 */
export interface Scenario {
  /** Short identifier used on the command line and in tables. */
  name: string;
  /** One line for the README: what is mounted and how checks run. */
  description: string;
  create(): Promise<ScenarioInstance>;
}

/** A built scenario. */
export interface ScenarioInstance {
  /** The server whose `request` listener answers `/api`. */
  server: Server;
  /** The server answering the health route: `server` itself, or the library's own (lightship). */
  healthServer: Server;
  /** Path of the health route on `healthServer`. */
  healthPath: string;
  /** Whether `healthServer` already listens (on a port the library chose). */
  healthListening: boolean;
  /** Stops timers and servers the scenario started. */
  close(): Promise<void>;
}

/** The trivial JSON route every scenario serves; its cost is what the kit adds to. */
export const API_PATH = '/api';

/** The `/api` answer: small, constant JSON, so the framework and the kit dominate the cost. */
export const API_BODY = Object.freeze({ ok: true, items: [1, 2, 3] });
