// The order in which a java.util.HashSet<Bytes> hands back its keys: suppress()'s buffer
// (InMemoryTimeOrderedKeyValueChangeBuffer) logs its dirty keys at each commit by iterating
// such a set, so its changelog records of one commit come in this order, not in the order
// of the writes. A HashSet iterates its table's buckets in index order, each bucket's keys
// in the order they were added; a key's bucket is its spread hash (h ^ h >>> 16) masked by
// the table's size. The table starts at 16 buckets, doubles when it holds more than 3/4 of
// that (or, under 64 buckets, when one bucket reaches 9 keys), keeps each bucket's order
// when it doubles, and keeps its size through clear(): the set is cleared after every
// commit, so the size is the largest it has been. Not modelled: a bucket of 9 or more keys
// in a table of 64 buckets or more becomes a tree, which moves its root key to the front.

const INITIAL_CAPACITY = 16;
const LOAD_FACTOR = 0.75;
const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/** Bytes.hashCode(): Arrays.hashCode of the signed bytes. */
export function javaBytesHashCode(bytes: Uint8Array): number {
  let hash = 1;
  for (const byte of bytes) hash = (Math.imul(31, hash) + ((byte << 24) >> 24)) | 0;
  return hash;
}

function bucketOf(hash: number, capacity: number): number {
  return (hash ^ (hash >>> 16)) & (capacity - 1);
}

/** One HashSet<Bytes> that is filled and cleared again and again, as the buffer's dirty keys are. */
export class JavaHashSetOrder {
  #capacity = INITIAL_CAPACITY;

  /** The keys (added in this order, each once, to the emptied set) in the order the set iterates them. */
  order<T>(keys: Iterable<readonly [Uint8Array, T]>): T[] {
    let buckets: (readonly [number, T])[][] = Array.from({ length: this.#capacity }, () => []);
    const grow = (): void => {
      const next: (readonly [number, T])[][] = Array.from({ length: this.#capacity * 2 }, () => []);
      for (const bucket of buckets) for (const entry of bucket) next[bucketOf(entry[0], next.length)]!.push(entry);
      buckets = next;
      this.#capacity = next.length;
    };
    let size = 0;
    for (const [key, item] of keys) {
      const hash = javaBytesHashCode(key);
      const bucket = buckets[bucketOf(hash, this.#capacity)]!;
      bucket.push([hash, item]);
      if (bucket.length > TREEIFY_THRESHOLD && this.#capacity < MIN_TREEIFY_CAPACITY) grow();
      if (++size > this.#capacity * LOAD_FACTOR) grow();
    }
    return buckets.flatMap((bucket) => bucket.map(([, item]) => item));
  }
}
