/**
 * Child-process entry of one server scenario: `node server.js <scenario>`. Builds the scenario,
 * listens on a free loopback port and reports `{ type: 'ready', apiUrl, healthUrl }` over IPC; on
 * `{ type: 'stop' }`, on disconnect or on SIGTERM it closes everything and exits.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadScenario } from './scenarios';
import { API_PATH, type ScenarioInstance } from './scenario';

/** Messages a scenario child sends its parent. */
export type ServerMessage =
  { type: 'ready'; apiUrl: string; healthUrl: string } | { type: 'error'; message: string };

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function send(message: ServerMessage): void {
  process.send?.(message);
}

async function main(name: string): Promise<void> {
  const scenario = await loadScenario(name);
  const instance: ScenarioInstance = await scenario.create();
  const port = await listen(instance.server);
  let healthPort = port;
  if (instance.healthServer !== instance.server) {
    healthPort = instance.healthListening
      ? (instance.healthServer.address() as AddressInfo).port
      : await listen(instance.healthServer);
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    void instance.close().finally(() => process.exit(0));
  };
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'stop') stop();
  });
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  send({
    type: 'ready',
    apiUrl: `http://127.0.0.1:${port}${API_PATH}`,
    healthUrl: `http://127.0.0.1:${healthPort}${instance.healthPath}`,
  });
}

if (require.main === module) {
  main(process.argv[2] ?? '').catch((err: unknown) => {
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  });
}
