import { expectTypeOf } from 'expect-type';
import {
  DependencyManager,
  type CheckResult,
  type CheckStatus,
  type Dependency,
  type DependencyChangedEvent,
  type DependencyManagerEventName,
  type ManagerListener,
  type SystemChangedEvent,
} from 'statuskit';

/** Each manager event has its own listener arguments; names and listeners are checked at compile time. */
export function managerEventTypes(manager: DependencyManager): void {
  manager.on('changed', (e) => {
    expectTypeOf(e).toEqualTypeOf<DependencyChangedEvent>();
    expectTypeOf(e.id).toBeString();
    expectTypeOf(e.from).toEqualTypeOf<CheckStatus | null>();
    expectTypeOf(e.to).toEqualTypeOf<CheckStatus>();
    expectTypeOf(e.result).toEqualTypeOf<CheckResult>();
  });
  manager.once('systemChanged', (e) => {
    expectTypeOf(e).toEqualTypeOf<SystemChangedEvent>();
    expectTypeOf(e.from).toEqualTypeOf<CheckStatus>();
  });
  manager.on('checked', (result) => expectTypeOf(result).toEqualTypeOf<CheckResult>());
  manager.on('added', (dep) => expectTypeOf(dep).toEqualTypeOf<Dependency>());
  manager.prependListener('removed', (dep) => expectTypeOf(dep).toEqualTypeOf<Dependency>());
  manager.on('ready', (...args) => expectTypeOf(args).toEqualTypeOf<[]>());
  const onDraining: ManagerListener<'draining'> = () => undefined;
  manager.on('draining', onDraining).off('draining', onDraining);
  expectTypeOf(manager.on('ready', () => undefined)).toEqualTypeOf<DependencyManager>();

  expectTypeOf<DependencyManagerEventName>().toEqualTypeOf<
    'checked' | 'changed' | 'systemChanged' | 'added' | 'removed' | 'ready' | 'draining'
  >();

  // @ts-expect-error -- 'change' is not an event of the manager
  manager.on('change', () => undefined);
  // @ts-expect-error -- 'changed' passes an event object, not a status string
  manager.on('changed', (status: string) => status);
  // @ts-expect-error -- 'ready' passes nothing
  manager.once('ready', (e: SystemChangedEvent) => e);
  // @ts-expect-error -- removing a listener checks it the same way
  manager.off('checked', (e: DependencyChangedEvent) => e);
  manager.on('changed', (e) => {
    // @ts-expect-error -- the change event has no `status`; it has from and to
    return e.status;
  });
}
