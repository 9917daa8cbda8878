// The overlay's pending writes (overlay-bytes-store.ts): a map from byte keys that keeps its
// entries in a hash map, by the key's bytes as a latin1 string, until something needs them
// in key order. A store that is only read and written by key (a table, an aggregate) then
// pays one hash lookup per write instead of two binary searches of byte comparisons, and one
// sort per commit, when its writes are read in key order for the changelog and the batch.
// The first range scan turns the map into an OrderedBytesMap for good: a store that scans
// (a window or session store scans per record) keeps its writes ordered from then on.
//
// The latin1 string of a key's bytes orders as the bytes do (one code unit per byte, compared
// unsigned, a prefix first), so the sort compares strings rather than bytes. A store writes
// mostly the keys it wrote in its last commit interval: the map takes the order of the last
// one's keys as a hint, lists the keys it shares with it in that order, without a comparison,
// and only sorts the others, to merge them in.
import type { KeyBounds } from "./bytes-order.js";
import { OrderedBytesMap } from "./ordered-bytes-map.js";

interface Write<V> {
  readonly row: string;
  readonly key: Buffer;
  value: V;
  /** Listed in order from the hint already (#inOrder). */
  hinted: boolean;
}

const byRow = (a: Write<unknown>, b: Write<unknown>): number => (a.row < b.row ? -1 : a.row > b.row ? 1 : 0);

export class LazyOrderedBytesMap<V> {
  // Hash mode: the entries by row (their key's bytes as latin1); undefined once ordered.
  #rows: Map<string, Write<V>> | undefined;
  // Hash mode: the entries in key order, until a key is added or removed.
  #sorted: Write<V>[] | undefined;
  #ordered: OrderedBytesMap<V> | undefined;
  // Rows in key order that the map will likely hold (the last map's), for the sort.
  #hint: readonly string[];
  // Whether a value may have left the map (read by key or in order) since it was made.
  #handedOut = false;

  /**
   * `ordered`: keep the entries in key order from the start (the map's owner scans it).
   * `hint`: rows in key order, of keys the map will likely hold (see rowOrder()).
   */
  constructor(ordered = false, hint: readonly string[] = []) {
    if (ordered) this.#ordered = new OrderedBytesMap<V>();
    else this.#rows = new Map();
    this.#hint = hint;
  }

  /** The rows of the entries in key order, as last sorted (a hint for the next map of the same writer). */
  rowOrder(): readonly string[] {
    return this.#sorted?.map((write) => write.row) ?? this.#hint;
  }

  /** Whether the entries are kept in key order (from the start, or since the first scan). */
  get isOrdered(): boolean {
    return this.#ordered !== undefined;
  }

  get size(): number {
    return this.#ordered?.size ?? (this.#rows as Map<string, Write<V>>).size;
  }

  /** The value of `key`; `row`, when the caller has it, must be `key.toString("latin1")`. */
  get(key: Buffer, row?: string): V | undefined {
    this.#handedOut = true;
    if (this.#ordered !== undefined) return this.#ordered.get(key);
    return (this.#rows as Map<string, Write<V>>).get(row ?? key.toString("latin1"))?.value;
  }

  /**
   * Whether `value` is the value of `row` (a key's bytes as latin1), and neither it nor any
   * other value has left the map since the map was made: nothing but its writer holds it.
   */
  holdsUnread(row: string, value: V): boolean {
    return !this.#handedOut && this.#rows !== undefined && this.#rows.get(row)?.value === value;
  }

  /** Sets the value of `key`; `row`, when the caller has it, must be `key.toString("latin1")`. */
  set(key: Buffer, value: V, row?: string): void {
    if (this.#ordered !== undefined) {
      this.#ordered.set(key, value);
      return;
    }
    const rows = this.#rows as Map<string, Write<V>>;
    const name = row ?? key.toString("latin1");
    const write = rows.get(name);
    if (write !== undefined) {
      write.value = value;
      return;
    }
    rows.set(name, { row: name, key, value, hinted: false });
    this.#sorted = undefined;
  }

  delete(key: Buffer): void {
    if (this.#ordered !== undefined) {
      this.#ordered.delete(key);
      return;
    }
    if ((this.#rows as Map<string, Write<V>>).delete(key.toString("latin1"))) this.#sorted = undefined;
  }

  /** The entries within `bounds` in key order: see OrderedBytesMap.scan. The map stays ordered from here on. */
  scan(bounds: KeyBounds, reverse: boolean): IterableIterator<[Buffer, V]> {
    this.#handedOut = true;
    return this.#toOrdered().scan(bounds, reverse);
  }

  /** Calls `visit` with every entry in key order. The map must not change meanwhile. */
  forEach(visit: (key: Buffer, value: V) => void): void {
    this.#handedOut = true;
    if (this.#ordered !== undefined) {
      this.#ordered.forEach(visit);
      return;
    }
    for (const write of this.#inOrder()) visit(write.key, write.value);
  }

  /** Every entry in key order, as an array of pairs. */
  toArray(): [Buffer, V][] {
    this.#handedOut = true;
    if (this.#ordered !== undefined) return this.#ordered.toArray();
    return this.#inOrder().map((write) => [write.key, write.value]);
  }

  /** Every entry in key order. The map must not change while this runs. */
  *entries(): IterableIterator<[Buffer, V]> {
    this.#handedOut = true;
    if (this.#ordered !== undefined) {
      yield* this.#ordered.entries();
      return;
    }
    for (const write of this.#inOrder()) yield [write.key, write.value];
  }

  #inOrder(): Write<V>[] {
    if (this.#sorted !== undefined) return this.#sorted;
    const rows = this.#rows as Map<string, Write<V>>;
    // The keys the hint lists, in its order (key order), then the others, sorted and merged in.
    const hinted: Write<V>[] = [];
    for (const row of this.#hint) {
      const write = rows.get(row);
      if (write !== undefined && !write.hinted) {
        write.hinted = true;
        hinted.push(write);
      }
    }
    const fresh: Write<V>[] = [];
    if (hinted.length < rows.size) for (const write of rows.values()) if (!write.hinted) fresh.push(write);
    for (const write of hinted) write.hinted = false;
    const sorted = fresh.length === 0 ? hinted : merged(hinted, fresh.sort(byRow));
    this.#sorted = sorted;
    return sorted;
  }

  #toOrdered(): OrderedBytesMap<V> {
    if (this.#ordered !== undefined) return this.#ordered;
    const sorted = this.#inOrder();
    const ordered = OrderedBytesMap.fromSorted(
      sorted.map((write) => write.key),
      sorted.map((write) => write.value),
    );
    this.#ordered = ordered;
    this.#rows = undefined;
    this.#sorted = undefined;
    return ordered;
  }
}

/** The writes of `a` and `b`, each in key order and with no row in common, merged in key order. */
function merged<V>(a: readonly Write<V>[], b: readonly Write<V>[]): Write<V>[] {
  const out = new Array<Write<V>>(a.length + b.length);
  let i = 0;
  let o = 0;
  for (const write of b) {
    // The first of a's remaining writes after `write`: a's run up to it is copied as it is.
    const row = write.row;
    let low = i;
    let high = a.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((a[middle] as Write<V>).row < row) low = middle + 1;
      else high = middle;
    }
    while (i < low) out[o++] = a[i++] as Write<V>;
    out[o++] = write;
  }
  while (i < a.length) out[o++] = a[i++] as Write<V>;
  return out;
}
