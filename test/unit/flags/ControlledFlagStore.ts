import type { Flag } from '../../../src/flags/Flag';
import type {
  FlagNotice,
  FlagStore,
  FlagUnsubscribe,
  FlagWrite,
  FlagWriteResult,
} from '../../../src/flags/FlagStore';

/** A deferred promise: settle it from the test. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Builds a flag for tests. */
export function flag(key: string, enabled: boolean, extra: Partial<Flag> = {}): Flag {
  return { key, enabled, description: '', updatedAt: 1, updatedBy: 'test', ...extra };
}

/**
 * A FlagStore the test drives: `flags` is what `load()` returns, `notify()` delivers a notice,
 * `failLoads`/`failSets` make calls reject, `holdLoads`/`holdSets` make them wait for the test.
 */
export class ControlledFlagStore implements FlagStore {
  flags = new Map<string, Flag>();
  failLoads: unknown = undefined;
  failSets: unknown = undefined;
  holdLoads = false;
  holdSets = false;
  readonly heldLoads: Array<Deferred<Flag[]>> = [];
  readonly heldSets: Array<{ write: FlagWrite; done: Deferred<FlagWriteResult> }> = [];
  loads = 0;
  private listeners = new Set<(n: FlagNotice) => void>();

  get subscribers(): number {
    return this.listeners.size;
  }

  load(): Promise<Flag[]> {
    this.loads++;
    if (this.failLoads !== undefined) return Promise.reject(this.failLoads);
    if (this.holdLoads) {
      const d = deferred<Flag[]>();
      this.heldLoads.push(d);
      return d.promise;
    }
    return Promise.resolve([...this.flags.values()]);
  }

  set(write: FlagWrite): Promise<FlagWriteResult> {
    if (this.failSets !== undefined) return Promise.reject(this.failSets);
    if (this.holdSets) {
      const done = deferred<FlagWriteResult>();
      this.heldSets.push({ write, done });
      return done.promise;
    }
    return Promise.resolve(this.write(write));
  }

  /** Stores `write` as a real store would; returns the result `set()` resolves to. */
  write(write: FlagWrite): FlagWriteResult {
    const previous = this.flags.get(write.key);
    const f = flag(write.key, write.enabled, {
      description: write.description ?? previous?.description ?? '',
      updatedAt: write.at,
      updatedBy: write.actor,
    });
    this.flags.set(write.key, f);
    return { flag: f, previous };
  }

  notify(notice: FlagNotice): void {
    for (const l of this.listeners) l(notice);
  }

  subscribe(listener: (n: FlagNotice) => void): Promise<FlagUnsubscribe> {
    this.listeners.add(listener);
    return Promise.resolve(() => {
      this.listeners.delete(listener);
      return Promise.resolve();
    });
  }

  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }
}
