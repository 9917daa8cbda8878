// An ordered map from byte keys to values: the in-memory store and the task overlay
// are built on it. It is a two-level B+tree: a sorted array of leaves, each a sorted
// array of at most MAX_LEAF keys. Lookups are two binary searches; an insert shifts at
// most MAX_LEAF entries, and a split (one per MAX_LEAF / 2 inserts) shifts the leaf
// array, which for a million keys is a few thousand pointers. Leaves are found by
// their first key, so no separate index has to be kept in step.
import type { KeyBounds } from "./bytes-order.js";
import { aboveLower, belowUpper, compareBytes } from "./bytes-order.js";

const MAX_LEAF = 128;
// A leaf that shrinks below this merges into a neighbour when both fit in one leaf.
const MIN_LEAF = 32;
const SCAN_CHUNK = 64;

interface Leaf<V> {
  keys: Buffer[];
  values: V[];
}

/** Index of `key` in `keys`, or `~insertionPoint` (a negative number) when absent. */
function search(keys: Buffer[], key: Buffer): number {
  let low = 0;
  let high = keys.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = compareBytes(keys[middle] as Buffer, key);
    if (order < 0) low = middle + 1;
    else if (order > 0) high = middle - 1;
    else return middle;
  }
  return ~low;
}

export class OrderedBytesMap<V> {
  // Never empty: an empty map is one empty leaf; otherwise no leaf is empty.
  #leaves: Leaf<V>[] = [{ keys: [], values: [] }];
  #size = 0;

  /**
   * A map of `keys` (in strictly ascending order, as OrderedBytesMap keeps them) and their
   * `values`, built without a search: leaves half full, as splits leave them.
   */
  static fromSorted<V>(keys: readonly Buffer[], values: readonly V[]): OrderedBytesMap<V> {
    const map = new OrderedBytesMap<V>();
    if (keys.length === 0) return map;
    const leaves: Leaf<V>[] = [];
    for (let at = 0; at < keys.length; at += MAX_LEAF / 2) {
      leaves.push({ keys: keys.slice(at, at + MAX_LEAF / 2), values: values.slice(at, at + MAX_LEAF / 2) });
    }
    map.#leaves = leaves;
    map.#size = keys.length;
    return map;
  }

  get size(): number {
    return this.#size;
  }

  get(key: Buffer): V | undefined {
    const leaf = this.#leaves[this.#leafIndex(key)] as Leaf<V>;
    const index = search(leaf.keys, key);
    return index >= 0 ? leaf.values[index] : undefined;
  }

  has(key: Buffer): boolean {
    const leaf = this.#leaves[this.#leafIndex(key)] as Leaf<V>;
    return search(leaf.keys, key) >= 0;
  }

  /** Sets the value; returns the previous one, or undefined if the key was new. */
  set(key: Buffer, value: V): V | undefined {
    const leafIndex = this.#leafIndex(key);
    const leaf = this.#leaves[leafIndex] as Leaf<V>;
    const index = search(leaf.keys, key);
    if (index >= 0) {
      const previous = leaf.values[index];
      leaf.values[index] = value;
      return previous;
    }
    const at = ~index;
    if (at === leaf.keys.length) {
      leaf.keys.push(key);
      leaf.values.push(value);
    } else {
      leaf.keys.splice(at, 0, key);
      leaf.values.splice(at, 0, value);
    }
    this.#size += 1;
    if (leaf.keys.length > MAX_LEAF) this.#split(leafIndex);
    return undefined;
  }

  /** Removes the key; returns its value, or undefined if it was absent. */
  delete(key: Buffer): V | undefined {
    const leafIndex = this.#leafIndex(key);
    const leaf = this.#leaves[leafIndex] as Leaf<V>;
    const index = search(leaf.keys, key);
    if (index < 0) return undefined;
    const previous = leaf.values[index];
    leaf.keys.splice(index, 1);
    leaf.values.splice(index, 1);
    this.#size -= 1;
    if (leaf.keys.length < MIN_LEAF) this.#rebalance(leafIndex);
    return previous;
  }

  clear(): void {
    this.#leaves = [{ keys: [], values: [] }];
    this.#size = 0;
  }

  /**
   * Up to `limit` entries within `bounds`, in key order (descending when `reverse`).
   * Iterators call this repeatedly, resuming after the last key they returned, so
   * writes between calls never invalidate them.
   */
  collect(bounds: KeyBounds, reverse: boolean, limit: number): [Buffer, V][] {
    return reverse ? this.#collectDescending(bounds, limit) : this.#collectAscending(bounds, limit);
  }

  /**
   * The entries within `bounds`, in key order, fetched SCAN_CHUNK at a time. Safe to
   * use while the map changes (weakly consistent, like a ConcurrentSkipListMap
   * iterator): every key present throughout the scan is returned exactly once; a key
   * added or removed during the scan may or may not be.
   */
  *scan(bounds: KeyBounds, reverse: boolean): IterableIterator<[Buffer, V]> {
    let next = bounds;
    while (true) {
      const chunk = this.collect(next, reverse, SCAN_CHUNK);
      yield* chunk;
      if (chunk.length < SCAN_CHUNK) return;
      const last = (chunk[chunk.length - 1] as [Buffer, V])[0];
      next = reverse
        ? { ...next, upper: last, upperInclusive: false }
        : { ...next, lower: last, lowerInclusive: false };
    }
  }

  /** Calls `visit` with every entry in key order, without an iterator or a pair per entry. The map must not change meanwhile. */
  forEach(visit: (key: Buffer, value: V) => void): void {
    for (const leaf of this.#leaves) {
      const { keys, values } = leaf;
      for (let i = 0; i < keys.length; i += 1) visit(keys[i] as Buffer, values[i] as V);
    }
  }

  /** Every entry in key order, as an array of pairs made in one pass. */
  toArray(): [Buffer, V][] {
    const out = new Array<[Buffer, V]>(this.#size);
    let at = 0;
    for (const leaf of this.#leaves) {
      const { keys, values } = leaf;
      for (let i = 0; i < keys.length; i += 1) out[at++] = [keys[i] as Buffer, values[i] as V];
    }
    return out;
  }

  /** Every entry in key order. The map must not change while this runs. */
  *entries(): IterableIterator<[Buffer, V]> {
    for (const leaf of this.#leaves) {
      for (let i = 0; i < leaf.keys.length; i += 1) yield [leaf.keys[i] as Buffer, leaf.values[i] as V];
    }
  }

  #collectAscending(bounds: KeyBounds, limit: number): [Buffer, V][] {
    const leaves = this.#leaves;
    const out: [Buffer, V][] = [];
    let leafIndex = 0;
    let index = 0;
    if (bounds.lower !== undefined) {
      leafIndex = this.#leafIndex(bounds.lower);
      const found = search((leaves[leafIndex] as Leaf<V>).keys, bounds.lower);
      index = found >= 0 ? (bounds.lowerInclusive ? found : found + 1) : ~found;
    }
    while (out.length < limit && leafIndex < leaves.length) {
      const leaf = leaves[leafIndex] as Leaf<V>;
      if (index >= leaf.keys.length) {
        leafIndex += 1;
        index = 0;
        continue;
      }
      const key = leaf.keys[index] as Buffer;
      if (!belowUpper(key, bounds)) break;
      out.push([key, leaf.values[index] as V]);
      index += 1;
    }
    return out;
  }

  #collectDescending(bounds: KeyBounds, limit: number): [Buffer, V][] {
    const leaves = this.#leaves;
    const out: [Buffer, V][] = [];
    let leafIndex = leaves.length - 1;
    let index = (leaves[leafIndex] as Leaf<V>).keys.length - 1;
    if (bounds.upper !== undefined) {
      leafIndex = this.#leafIndex(bounds.upper);
      const found = search((leaves[leafIndex] as Leaf<V>).keys, bounds.upper);
      index = found >= 0 ? (bounds.upperInclusive ? found : found - 1) : ~found - 1;
    }
    while (out.length < limit && leafIndex >= 0) {
      if (index < 0) {
        leafIndex -= 1;
        if (leafIndex >= 0) index = (leaves[leafIndex] as Leaf<V>).keys.length - 1;
        continue;
      }
      const leaf = leaves[leafIndex] as Leaf<V>;
      const key = leaf.keys[index] as Buffer;
      if (!aboveLower(key, bounds)) break;
      out.push([key, leaf.values[index] as V]);
      index -= 1;
    }
    return out;
  }

  /** The last leaf whose first key is <= key (leaf 0 for keys before every leaf). */
  #leafIndex(key: Buffer): number {
    const leaves = this.#leaves;
    let low = 0;
    let high = leaves.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (compareBytes((leaves[middle] as Leaf<V>).keys[0] as Buffer, key) <= 0) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  #split(leafIndex: number): void {
    const leaf = this.#leaves[leafIndex] as Leaf<V>;
    const half = leaf.keys.length >>> 1;
    this.#leaves.splice(leafIndex + 1, 0, { keys: leaf.keys.splice(half), values: leaf.values.splice(half) });
  }

  #rebalance(leafIndex: number): void {
    const leaves = this.#leaves;
    if (leaves.length === 1) return;
    const leaf = leaves[leafIndex] as Leaf<V>;
    if (leaf.keys.length === 0) {
      leaves.splice(leafIndex, 1);
      return;
    }
    const right = leaves[leafIndex + 1];
    if (right !== undefined && leaf.keys.length + right.keys.length <= MAX_LEAF) {
      this.#merge(leafIndex);
      return;
    }
    const left = leaves[leafIndex - 1];
    if (left !== undefined && left.keys.length + leaf.keys.length <= MAX_LEAF) this.#merge(leafIndex - 1);
  }

  /** Moves the entries of leaf `leafIndex + 1` to the end of leaf `leafIndex`. */
  #merge(leafIndex: number): void {
    const leaf = this.#leaves[leafIndex] as Leaf<V>;
    const next = this.#leaves[leafIndex + 1] as Leaf<V>;
    for (let i = 0; i < next.keys.length; i += 1) {
      leaf.keys.push(next.keys[i] as Buffer);
      leaf.values.push(next.values[i] as V);
    }
    this.#leaves.splice(leafIndex + 1, 1);
  }
}
