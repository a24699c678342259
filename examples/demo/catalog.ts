/** A product of the demo shop. */
export interface Product {
  id: string;
  name: string;
  price: number | null;
  /** Which tier produced it: the database, the partner API, or a stub. */
  origin: 'product-db' | 'partner-api' | 'stub';
}

const PRODUCTS: Record<string, Omit<Product, 'origin'>> = {
  '1': { id: '1', name: 'Espresso machine', price: 349 },
  '2': { id: '2', name: 'Burr grinder', price: 129 },
  '3': { id: '3', name: 'Milk jug', price: 19 },
  '4': { id: '4', name: 'Tamper', price: 29 },
};

/** The product database's answer for `id` (undefined when there is no such product). */
export function findProduct(id: string, origin: Product['origin']): Product | null {
  const p = PRODUCTS[id];
  return p ? { ...p, origin } : null;
}

/** Every product id. */
export const PRODUCT_IDS = Object.keys(PRODUCTS);

/** What the shop shows when every tier failed: the page renders, the price says "unavailable". */
export function productStub(id: string): Product {
  return { id, name: 'Product details temporarily unavailable', price: null, origin: 'stub' };
}

/** Products bought together with `id`, from the (simulated) recommendations engine. */
export function recommendationsFor(id: string): string[] {
  return PRODUCT_IDS.filter((p) => p !== id).slice(0, 2);
}
