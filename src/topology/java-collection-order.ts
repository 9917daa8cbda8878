// Kafka Streams prints a processor's stores and a source's topics by calling toString()
// on a java.util.HashSet, so their order in describe() is HashSet iteration order: by
// bucket (the spread String.hashCode() masked by the table size), then by insertion
// order within a bucket. Reproducing it keeps describe() text identical to what a Java
// application prints for the same topology, which is what people diff against.

/** java.lang.String.hashCode(): s[0]*31^(n-1) + ... + s[n-1], over UTF-16 code units, in 32-bit arithmetic. */
export function javaStringHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/** HashMap.tableSizeFor: the smallest power of two >= n (at least 1). */
function tableSizeFor(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

/**
 * The iteration order of `new HashSet<>(collection)` for a collection iterated in the
 * given order (duplicates dropped). The copy constructor sizes the table to
 * max(size / 0.75 + 1, 16); a bucket keeps insertion order because resizing splits
 * buckets without reordering them. (Buckets of 8 or more colliding strings become trees
 * in Java; no store or topic name set is that unlucky.)
 */
export function javaHashSetOrder(items: Iterable<string>): string[] {
  const unique = [...new Set(items)];
  const capacity = tableSizeFor(Math.max(Math.floor(unique.length / 0.75) + 1, 16));
  const bucketOf = (text: string): number => {
    const hash = javaStringHashCode(text);
    return (hash ^ (hash >>> 16)) & (capacity - 1);
  };
  return unique
    .map((text, position) => ({ text, position, bucket: bucketOf(text) }))
    .sort((a, b) => a.bucket - b.bucket || a.position - b.position)
    .map((entry) => entry.text);
}

/** AbstractCollection.toString(): "[a, b]", "[]" when empty. */
export function javaCollectionToString(items: readonly string[]): string {
  return `[${items.join(", ")}]`;
}

/**
 * The table size a java.util.HashMap (or HashSet) reaches after `count` insertions into
 * a default-sized map: 16, doubled whenever the size passes 3/4 of it.
 */
export function javaHashMapCapacity(count: number): number {
  let capacity = 16;
  while (count > capacity * 0.75) capacity *= 2;
  return capacity;
}

/**
 * The iteration order of a default-sized java.util.HashMap (or HashSet) whose keys were
 * inserted in the given order: by bucket, then insertion order within a bucket.
 */
export function javaHashMapOrder(keysInInsertionOrder: readonly string[]): string[] {
  const capacity = javaHashMapCapacity(keysInInsertionOrder.length);
  const bucketOf = (text: string): number => {
    const hash = javaStringHashCode(text);
    return (hash ^ (hash >>> 16)) & (capacity - 1);
  };
  return keysInInsertionOrder
    .map((text, position) => ({ text, position, bucket: bucketOf(text) }))
    .sort((a, b) => a.bucket - b.bucket || a.position - b.position)
    .map((entry) => entry.text);
}

interface TreeEntry<T> {
  value: T;
  left: TreeEntry<T> | null;
  right: TreeEntry<T> | null;
  parent: TreeEntry<T> | null;
  red: boolean;
}

/**
 * A java.util.TreeSet, insertion and in-order iteration only, with TreeMap's red-black
 * balancing reproduced step for step. Kafka Streams fills the predecessor and successor
 * sets of its description nodes with a comparator over sizes that are still growing, so
 * the printed order depends on the tree's shape at each insertion: only the same tree
 * gives the same text.
 */
export class JavaTreeSet<T> {
  #root: TreeEntry<T> | null = null;
  readonly #compare: (a: T, b: T) => number;

  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare;
  }

  add(value: T): boolean {
    let parent = this.#root;
    if (parent === null) {
      this.#root = { value, left: null, right: null, parent: null, red: false };
      return true;
    }
    let cmp = 0;
    let cursor: TreeEntry<T> | null = parent;
    while (cursor !== null) {
      parent = cursor;
      cmp = this.#compare(value, cursor.value);
      if (cmp < 0) cursor = cursor.left;
      else if (cmp > 0) cursor = cursor.right;
      else return false;
    }
    const entry: TreeEntry<T> = { value, left: null, right: null, parent, red: false };
    if (cmp < 0) parent.left = entry;
    else parent.right = entry;
    this.#fixAfterInsertion(entry);
    return true;
  }

  values(): T[] {
    const out: T[] = [];
    const walk = (entry: TreeEntry<T> | null): void => {
      if (entry === null) return;
      walk(entry.left);
      out.push(entry.value);
      walk(entry.right);
    };
    walk(this.#root);
    return out;
  }

  #fixAfterInsertion(inserted: TreeEntry<T>): void {
    const parentOf = (e: TreeEntry<T> | null): TreeEntry<T> | null => e?.parent ?? null;
    const leftOf = (e: TreeEntry<T> | null): TreeEntry<T> | null => e?.left ?? null;
    const rightOf = (e: TreeEntry<T> | null): TreeEntry<T> | null => e?.right ?? null;
    const isRed = (e: TreeEntry<T> | null): boolean => e?.red ?? false;
    const setRed = (e: TreeEntry<T> | null, red: boolean): void => {
      if (e !== null) e.red = red;
    };
    let x: TreeEntry<T> | null = inserted;
    x.red = true;
    while (x !== null && x !== this.#root && isRed(x.parent)) {
      if (parentOf(x) === leftOf(parentOf(parentOf(x)))) {
        const y = rightOf(parentOf(parentOf(x)));
        if (isRed(y)) {
          setRed(parentOf(x), false);
          setRed(y, false);
          setRed(parentOf(parentOf(x)), true);
          x = parentOf(parentOf(x));
        } else {
          if (x === rightOf(parentOf(x))) {
            x = parentOf(x);
            this.#rotateLeft(x);
          }
          setRed(parentOf(x), false);
          setRed(parentOf(parentOf(x)), true);
          this.#rotateRight(parentOf(parentOf(x)));
        }
      } else {
        const y = leftOf(parentOf(parentOf(x)));
        if (isRed(y)) {
          setRed(parentOf(x), false);
          setRed(y, false);
          setRed(parentOf(parentOf(x)), true);
          x = parentOf(parentOf(x));
        } else {
          if (x === leftOf(parentOf(x))) {
            x = parentOf(x);
            this.#rotateRight(x);
          }
          setRed(parentOf(x), false);
          setRed(parentOf(parentOf(x)), true);
          this.#rotateLeft(parentOf(parentOf(x)));
        }
      }
    }
    if (this.#root !== null) this.#root.red = false;
  }

  #rotateLeft(p: TreeEntry<T> | null): void {
    if (p === null) return;
    const r = p.right;
    if (r === null) return;
    p.right = r.left;
    if (r.left !== null) r.left.parent = p;
    r.parent = p.parent;
    if (p.parent === null) this.#root = r;
    else if (p.parent.left === p) p.parent.left = r;
    else p.parent.right = r;
    r.left = p;
    p.parent = r;
  }

  #rotateRight(p: TreeEntry<T> | null): void {
    if (p === null) return;
    const l = p.left;
    if (l === null) return;
    p.left = l.right;
    if (l.right !== null) l.right.parent = p;
    l.parent = p.parent;
    if (p.parent === null) this.#root = l;
    else if (p.parent.right === p) p.parent.right = l;
    else p.parent.left = l;
    l.right = p;
    p.parent = l;
  }
}
