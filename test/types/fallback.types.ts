import { expectTypeOf } from 'expect-type';
import { fallback, MemoryCache, type Fallback, type FallbackResult, type FallbackTier } from 'statuskit';

interface Product {
  id: string;
  price: number;
}

/** The value type flows from the sources to `get()`; the arguments from `key` to `get()` and the sources. */
export async function fallbackTypes(): Promise<void> {
  const products = fallback({
    name: 'products',
    key: (id: string) => id,
    ttlMs: 1000,
    cache: new MemoryCache(),
    sources: [async (id, { signal }) => ({ id, price: signal.aborted ? 0 : 1 })],
    stub: (id) => ({ id, price: 0 }),
  });
  expectTypeOf(products).toEqualTypeOf<Fallback<{ id: string; price: number }, [id: string]>>();

  const answer = await products.get('42');
  expectTypeOf(answer).toEqualTypeOf<FallbackResult<{ id: string; price: number }>>();
  expectTypeOf(answer.value.price).toBeNumber();
  expectTypeOf(answer.source).toEqualTypeOf<FallbackTier>();
  expectTypeOf(answer.sourceIndex).toEqualTypeOf<number | undefined>();
  expectTypeOf(products.invalidate).parameters.toEqualTypeOf<[id: string]>();
  expectTypeOf(products.invalidate('42')).resolves.toBeVoid();

  // @ts-expect-error -- get() takes the key's arguments: a string, not a number
  await products.get(42);
  // @ts-expect-error -- and exactly as many
  await products.get('42', 'extra');

  // An explicit value type checks every source and the stub against it.
  fallback<Product, [string]>({
    name: 'typed',
    key: (id) => id,
    ttlMs: 1000,
    // @ts-expect-error -- a source must resolve to the chain's value type
    sources: [async (id) => ({ id })],
  });
  fallback<Product, [string]>({
    name: 'typed-stub',
    key: (id) => id,
    ttlMs: 1000,
    sources: [(id) => ({ id, price: 1 })],
    // @ts-expect-error -- so must the stub
    stub: () => 'none',
  });

  // Sources get the call's arguments, then { signal }.
  fallback({
    name: 'two-args',
    key: (a: string, b: number) => `${a}:${b}`,
    ttlMs: 0,
    sources: [
      (a, b, ctx) => {
        expectTypeOf(a).toBeString();
        expectTypeOf(b).toBeNumber();
        expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
        return true;
      },
    ],
  });
}
