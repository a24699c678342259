/**
 * The `callgrind` benchmark (opt-in: `npm run bench -- --callgrind`, or `-- callgrind`): instruction
 * counts per `/api` request for bare Express, statuskit and each statuskit piece alone. Repeatable
 * on a busy machine where CPU time is not; several minutes long, hence not part of a default run.
 */
import { PART_NAMES } from '../peers/scenarios';
import { callgrindPerRequest } from './callgrind';
import { currentOptions } from './options';

/** Counts instructions per request of every statuskit variant and bare Express. */
export async function run(): Promise<Record<string, unknown>> {
  const o = currentOptions();
  return callgrindPerRequest(['statuskit', ...(o.quick ? [] : PART_NAMES)], o.quick);
}
