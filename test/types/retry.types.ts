import { expectTypeOf } from 'expect-type';
import {
  retry,
  retryPolicy,
  RetryBudget,
  type RetryContext,
  type RetryEvent,
  type RetryPolicy,
} from 'statuskit';

/** `retry<T>` and `policy.execute<T>` resolve to what the function returns, sync or async. */
export function retryTypes(): void {
  expectTypeOf(retry(async () => 42)).toEqualTypeOf<Promise<number>>();
  expectTypeOf(retry(() => 'sync')).toEqualTypeOf<Promise<string>>();
  expectTypeOf(retry<{ id: string }>(async (ctx) => ({ id: String(ctx.attempt) }))).resolves.toEqualTypeOf<{
    id: string;
  }>();
  retry((ctx) => {
    expectTypeOf(ctx).toEqualTypeOf<RetryContext>();
    expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
    return null;
  }).catch(() => undefined);

  const policy = retryPolicy({
    maxAttempts: 5,
    jitter: 'decorrelated',
    budget: new RetryBudget(),
    onRetry: (event) => expectTypeOf(event).toEqualTypeOf<RetryEvent>(),
  });
  expectTypeOf(policy).toEqualTypeOf<RetryPolicy>();
  expectTypeOf(policy.execute(async () => [1, 2])).toEqualTypeOf<Promise<number[]>>();

  // @ts-expect-error -- an explicit T checks what the function returns
  retry<number>(async () => 'not a number').catch(() => undefined);
  // @ts-expect-error -- jitter is one of the named modes
  retryPolicy({ jitter: 'random' });
  // @ts-expect-error -- maxAttempts is a number
  retryPolicy({ maxAttempts: '3' });
  // @ts-expect-error -- an unknown option is a typo, not a silent no-op
  retryPolicy({ maxAttempt: 3 });
}
