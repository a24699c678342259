/**
 * Child-process entry that injects requests into one scenario without sockets:
 * `node injectTarget.js <scenario> <api|health> <count>`. Run under `valgrind --tool=callgrind`
 * (instruction counts) or `node --cpu-prof` (where the time goes); prints `{ ok, count }` as JSON.
 */
import { inject, type DispatchFunc } from 'light-my-request';
import { loadScenario } from '../peers/scenarios';
import { API_PATH, type ScenarioInstance } from '../peers/scenario';

/** A socket-free request dispatcher: hands a fake request to a server's `request` listeners. */
export function dispatcherOf(server: ScenarioInstance['server']): DispatchFunc {
  return (req, res) => {
    server.emit('request', req, res);
  };
}

/** The dispatcher and path of one scenario route. */
export function routeOf(
  instance: ScenarioInstance,
  route: 'api' | 'health',
): { dispatch: DispatchFunc; url: string } {
  return route === 'api'
    ? { dispatch: dispatcherOf(instance.server), url: API_PATH }
    : { dispatch: dispatcherOf(instance.healthServer), url: instance.healthPath };
}

/** Injects `count` GET requests one after the other; returns how many answered 2xx. */
export async function injectMany(dispatch: DispatchFunc, url: string, count: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < count; i++) {
    const res = await inject(dispatch, { method: 'GET', url });
    if (res.statusCode >= 200 && res.statusCode < 300) ok++;
  }
  return ok;
}

async function main(scenario: string, route: string, count: number): Promise<void> {
  if (route !== 'api' && route !== 'health') throw new Error(`route must be api or health, got ${route}`);
  const instance = await (await loadScenario(scenario)).create();
  const { dispatch, url } = routeOf(instance, route);
  const ok = await injectMany(dispatch, url, count);
  await instance.close();
  process.stdout.write(`${JSON.stringify({ ok, count })}\n`);
}

if (require.main === module) {
  const [scenario = '', route = '', count = '0'] = process.argv.slice(2);
  main(scenario, route, Number(count)).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
