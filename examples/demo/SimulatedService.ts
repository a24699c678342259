import { setTimeout as sleep } from 'node:timers/promises';

/** How a simulated dependency behaves right now. */
export type SimulatedMode = 'ok' | 'slow' | 'failing';

/** Every mode, for validating the admin route's input. */
export const SIMULATED_MODES: readonly SimulatedMode[] = ['ok', 'slow', 'failing'];

/**
 * An in-process stand-in for a remote dependency (the product database, the partner API, the
 * payment API, the recommendations engine) that can be made slow or failing at run time.
 */
export class SimulatedService {
  mode: SimulatedMode = 'ok';
  calls = 0;

  constructor(
    readonly name: string,
    /** Latency in ms when `ok`. */
    readonly latencyMs = 5,
    /** Latency in ms when `slow`: longer than every timeout in the demo. */
    readonly slowMs = 3000,
  ) {}

  /** Resolves with `value()` after the mode's latency, or rejects when failing. Honours `signal`. */
  async call<T>(value: () => T, signal?: AbortSignal): Promise<T> {
    this.calls++;
    const wait = this.mode === 'slow' ? this.slowMs : this.latencyMs;
    await sleep(wait, undefined, { signal });
    if (this.mode === 'failing') throw new Error(`${this.name} is failing (simulated)`);
    return value();
  }
}
