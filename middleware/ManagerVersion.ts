import type { HealthSource, ManagerEventMap } from './managerView';

/** Manager events after which a serialised health answer may be out of date. */
const EVENTS: readonly (keyof ManagerEventMap)[] = [
  'checked',
  'added',
  'removed',
  'ready',
  'draining',
  'systemChanged',
];

/**
 * A counter bumped by every manager event that can change a health answer. One per manager, shared
 * by every `healthRoutes` router on it, so building many routers (tests, sub-apps) adds six
 * listeners in all, not six per router.
 */
export class ManagerVersion {
  private static readonly byManager = new WeakMap<object, ManagerVersion>();
  private current = 0;

  private constructor(manager: HealthSource) {
    const bump = (): void => {
      this.current++;
    };
    for (const e of EVENTS) manager.on(e, bump);
  }

  /** The version counter of `manager`, created on first use. */
  static of(manager: HealthSource): ManagerVersion {
    let version = ManagerVersion.byManager.get(manager);
    if (version === undefined) {
      version = new ManagerVersion(manager);
      ManagerVersion.byManager.set(manager, version);
    }
    return version;
  }

  /** Increases on every relevant manager event. */
  get value(): number {
    return this.current;
  }
}
