import type { Server } from 'node:http';
import type { Request, Response } from 'express';
import { API_BODY } from './scenario';

/** The `/api` handler every scenario mounts: `res.json` of a small constant body. */
export function apiHandler(_req: Request, res: Response): void {
  res.json(API_BODY);
}

/** Closes a server whether or not it listens; idle keep-alive sockets are closed too. */
export function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
