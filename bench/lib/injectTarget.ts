/**
 * Child-process entry that injects requests into one scenario without sockets:
 * `node injectTarget.js <scenario> <api|health> <count> [<warm-up count> <flag file>]`. Run under
 * `node --cpu-prof` (where the time goes) or `valgrind --tool=callgrind` (instruction counts).
 * With a warm-up, it first injects that many requests, prints `warm`, and waits for the flag file
 * to appear (the parent switches callgrind's instrumentation on meanwhile) before the counted
 * requests. Prints `done` at the end.
 */
import { existsSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { inject, type DispatchFunc } from 'light-my-request';
import { loadScenario } from '../peers/scenarios';
import { API_PATH, type ScenarioInstance } from '../peers/scenario';
import { collectGarbage } from './gc';

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

/** Polls (busily, so valgrind's gdbserver gets scheduler points) until `file` exists. */
async function waitForFile(file: string): Promise<void> {
  while (!existsSync(file)) await nextTurn();
}

async function main(
  scenario: string,
  route: string,
  count: number,
  warm: number,
  flag: string | undefined,
): Promise<void> {
  if (route !== 'api' && route !== 'health') throw new Error(`route must be api or health, got ${route}`);
  const instance = await (await loadScenario(scenario)).create();
  const { dispatch, url } = routeOf(instance, route);
  // Under callgrind (run with --expose-gc), a full collection before and after the counted requests
  // makes every run pay for exactly the garbage its own requests made, whenever V8 would have
  // collected it otherwise.
  if (flag !== undefined) {
    await injectMany(dispatch, url, warm);
    collectGarbage();
    process.stdout.write('warm\n');
    await waitForFile(flag);
  }
  const ok = await injectMany(dispatch, url, count);
  collectGarbage();
  process.stdout.write(`done ${ok}/${count}\n`);
  await instance.close();
}

if (require.main === module) {
  const [scenario = '', route = '', count = '0', warm = '0', flag] = process.argv.slice(2);
  main(scenario, route, Number(count), Number(warm), flag).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
