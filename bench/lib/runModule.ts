/**
 * Child-process entry that runs one benchmark module: `node runModule.js <module path>`. Loads the
 * module, awaits its `run()` and sends `{ type: 'result', result }` (or `missing` / `error`) over
 * IPC, then exits — so a benchmark that leaves a handle open cannot stall the whole run.
 */
import { existsSync } from 'node:fs';

/** What a benchmark child reports. */
export type ModuleMessage =
  | { type: 'result'; result: Record<string, unknown> }
  | { type: 'missing'; message: string }
  | { type: 'error'; message: string };

function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

async function runModule(file: string): Promise<ModuleMessage> {
  if (!existsSync(`${file}.js`))
    return { type: 'missing', message: `${file}.js does not exist (not written or not compiled)` };
  let mod: { run?: unknown };
  try {
    mod = (await import(file)) as { run?: unknown };
  } catch (err) {
    return { type: 'error', message: `loading failed: ${errorText(err)}` };
  }
  if (typeof mod.run !== 'function')
    return { type: 'missing', message: 'the module exports no run() function' };
  try {
    const result = (await (mod.run as () => Promise<unknown>)()) as Record<string, unknown>;
    return { type: 'result', result };
  } catch (err) {
    return { type: 'error', message: errorText(err) };
  }
}

if (require.main === module) {
  // The runner went away (killed, Ctrl-C): stop, and let the servers we started see us go.
  process.on('disconnect', () => process.exit(1));
  runModule(process.argv[2] ?? '').then(
    (message) => process.send?.(message, () => process.exit(0)),
    (err: unknown) => process.send?.({ type: 'error', message: errorText(err) }, () => process.exit(1)),
  );
}
