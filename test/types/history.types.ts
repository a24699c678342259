import { expectTypeOf } from 'expect-type';
import { DependencyManager, MAX_HISTORY_SIZE, type CheckStatus, type StatusChange } from 'statuskit';

/** `history(id?)` answers read-only changes; `historySize` is a number; `since` is an epoch ms. */
export function historyTypes(manager: DependencyManager): void {
  new DependencyManager({ historySize: 50 });
  // @ts-expect-error -- historySize is a count, not a string
  new DependencyManager({ historySize: '20' });
  expectTypeOf(MAX_HISTORY_SIZE).toEqualTypeOf<number>();
  expectTypeOf(manager.history()).toEqualTypeOf<readonly StatusChange[]>();
  expectTypeOf(manager.history('db')).toEqualTypeOf<readonly StatusChange[]>();
  expectTypeOf<StatusChange['from']>().toEqualTypeOf<CheckStatus | null>();
  expectTypeOf<StatusChange['to']>().toEqualTypeOf<CheckStatus>();
  expectTypeOf<StatusChange['at']>().toEqualTypeOf<number>();
  const change = manager.history()[0];
  // @ts-expect-error -- changes are read-only
  change.to = 'OK';
  expectTypeOf(manager.snapshot().since).toEqualTypeOf<number | undefined>();
  expectTypeOf(manager.snapshot().results[0].since).toEqualTypeOf<number | undefined>();
}
