/**
 * A fixed-capacity buffer that keeps the newest `capacity` items: `push` is O(1) (it overwrites the
 * oldest slot in place, never shifts an array), and memory stays at `capacity` slots however many
 * items go through it.
 */
export class RingBuffer<T> {
  private readonly slots: (T | undefined)[];
  /** Index of the slot the next `push` writes. */
  private next = 0;
  private count = 0;

  /** @param capacity how many items are kept; 0 keeps none (every `push` is dropped). */
  constructor(readonly capacity: number) {
    this.slots = new Array<T | undefined>(capacity);
  }

  /** How many items are held (at most `capacity`). */
  get size(): number {
    return this.count;
  }

  /** Adds `item`, dropping the oldest one when full. O(1). */
  push(item: T): void {
    if (this.capacity === 0) return;
    this.slots[this.next] = item;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.count < this.capacity) this.count++;
  }

  /** The newest item, if any. */
  newest(): T | undefined {
    if (this.count === 0) return undefined;
    return this.slots[(this.next - 1 + this.capacity) % this.capacity];
  }

  /** The held items, newest first, in a new array. O(size). */
  toArray(): T[] {
    const out = new Array<T>(this.count);
    let i = this.next;
    for (let k = 0; k < this.count; k++) {
      i = i === 0 ? this.capacity - 1 : i - 1;
      out[k] = this.slots[i] as T;
    }
    return out;
  }
}
