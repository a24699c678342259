import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ConfigError } from '../../src/errors/ConfigError';
import { HealthAnswers } from './HealthAnswers';
import { HEALTH_JSON_TYPE } from './buildHealthJson';
import { resolveHealthOptions, type HealthRoutesOptions } from './HealthRoutesOptions';
import type { HealthSource } from '../HealthSource';
import { LIVE, readinessAnswer, startupAnswer, watchStartup, writePrepared } from './probeAnswers';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Answers the public probes — GET and HEAD `/healthcheck` (the load balancer's summary), `/livez`,
 * `/readyz` and `/startupz` — in the HTTP server's own `request` listener, before Express sees the request, as
 * terminus and lightship do. Same answers, same status codes and options as {@link healthRoutes}
 * (which you still mount for the private views and the `application/health+json` document, both
 * passed through); a probe then costs a few microseconds instead of a trip through Express.
 * Everything else goes to the listeners the server had. Returns a function that undoes it.
 *
 * @example
 * const server = app.listen(3000);
 * serveProbesFirst(server, manager); // after app.listen / http.createServer(app)
 */
export function serveProbesFirst(
  server: Server,
  manager: HealthSource,
  opts?: HealthRoutesOptions,
): () => void {
  if (typeof server?.listeners !== 'function' || typeof server.on !== 'function') {
    throw new ConfigError('server', server, 'a node:http Server');
  }
  const o = resolveHealthOptions(opts, manager.appName);
  const answers = new HealthAnswers(manager, o);
  watchStartup(manager);
  const previous = server.listeners('request') as RequestListener[];
  const fallThrough =
    previous.length === 1
      ? previous[0]
      : (req: IncomingMessage, res: ServerResponse) => {
          for (const l of previous) l.call(server, req, res);
        };

  const probes = function statuskitProbes(req: IncomingMessage, res: ServerResponse): void {
    const m = req.method;
    const probe = m === 'GET' || m === 'HEAD' ? probeOf(req.url) : undefined;
    if (probe === 'healthcheck' && !req.headers.accept?.includes(HEALTH_JSON_TYPE)) {
      writePrepared(res, answers.summary());
    } else if (probe === 'livez') {
      writePrepared(res, LIVE);
    } else if (probe === 'readyz') {
      writePrepared(res, readinessAnswer(manager, o.degradedHeader));
    } else if (probe === 'startupz') {
      writePrepared(res, startupAnswer(manager));
    } else {
      fallThrough.call(server, req, res);
    }
  };
  server.removeAllListeners('request');
  server.on('request', probes);
  return () => {
    server.removeListener('request', probes);
    for (const l of previous) server.on('request', l);
  };
}

/** Which probe `url` names, ignoring the query string, one trailing slash and case (as Express routes). */
export function probeOf(
  url: string | undefined,
): 'healthcheck' | 'livez' | 'readyz' | 'startupz' | undefined {
  if (url === undefined) return undefined;
  let end = url.indexOf('?');
  if (end < 0) end = url.length;
  if (end > 1 && url.charCodeAt(end - 1) === 0x2f) end--;
  if (end !== 6 && end !== 7 && end !== 9 && end !== 12) return undefined; // the only lengths that can match
  const path = url.slice(0, end).toLowerCase();
  if (path === '/healthcheck') return 'healthcheck';
  if (path === '/livez') return 'livez';
  if (path === '/startupz') return 'startupz';
  return path === '/readyz' ? 'readyz' : undefined;
}
