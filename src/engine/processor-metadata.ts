// What processors keep beside their stores and commit with the task's offsets, as Kafka
// Streams' ProcessorMetadata: named longs (a windowed aggregation's last emit window close
// time, under its store's name). The task writes them into the offset metadata of its input
// partitions at every commit (runtime/topic-partition-metadata.ts) and reads them back when
// it starts, so that they move with the task and are exactly as old as its committed state.
//
// serialize() is Kafka Streams' layout, byte for byte: int32 entry count, then per entry an
// int32 key length, the key's UTF-8 bytes and an int64 value, in the iteration order of the
// java.util.HashMap Kafka Streams keeps them in; nothing at all when there is no entry.
import { javaHashMapOrder } from "../topology/java-collection-order.js";

export class ProcessorMetadata {
  /** By key, in insertion order (the order a Java HashMap's buckets keep within a bucket). */
  readonly #values = new Map<string, number>();
  #needsCommit = false;

  /** Sets a key; the task commits its metadata with every input partition at the next commit. */
  put(key: string, value: number): void {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`processor metadata "${key}" must be an integer (a Java long), got ${String(value)}`);
    }
    this.#values.set(key, value);
    this.#needsCommit = true;
  }

  get(key: string): number | undefined {
    return this.#values.get(key);
  }

  get size(): number {
    return this.#values.size;
  }

  entries(): IterableIterator<[string, number]> {
    return this.#values.entries();
  }

  /** Merges `other` in: new keys are added, a key both hold keeps the larger value (Kafka Streams' update()). */
  update(other: ProcessorMetadata): void {
    for (const [key, value] of other.#values) {
      const mine = this.#values.get(key);
      if (mine === undefined || mine < value) this.#values.set(key, value);
    }
  }

  /** Whether put() changed something since the last commit: then every input partition carries it. */
  get needsCommit(): boolean {
    return this.#needsCommit;
  }

  set needsCommit(value: boolean) {
    this.#needsCommit = value;
  }

  serialize(): Buffer {
    if (this.#values.size === 0) return EMPTY;
    const order = javaHashMapOrder([...this.#values.keys()]);
    const keys = order.map((key) => Buffer.from(key, "utf8"));
    const out = Buffer.alloc(4 + keys.reduce((sum, key) => sum + 4 + key.length + 8, 0));
    let at = out.writeInt32BE(keys.length, 0);
    for (const [i, key] of keys.entries()) {
      at = out.writeInt32BE(key.length, at);
      at += key.copy(out, at);
      at = out.writeBigInt64BE(BigInt(this.#values.get(order[i]!)!), at);
    }
    return out;
  }

  /** Kafka Streams' layout back; throws RangeError on bytes that do not hold it. */
  static deserialize(bytes: Buffer): ProcessorMetadata {
    const metadata = new ProcessorMetadata();
    if (bytes.length === 0) return metadata;
    let at = 0;
    const need = (count: number, what: string): void => {
      if (at + count > bytes.length) {
        throw new RangeError(`processor metadata ends inside ${what} (byte ${at} of ${bytes.length})`);
      }
    };
    need(4, "its entry count");
    const count = bytes.readInt32BE(at);
    at += 4;
    if (count < 0) throw new RangeError(`processor metadata has a negative entry count (${count})`);
    for (let i = 0; i < count; i++) {
      need(4, "a key length");
      const keyLength = bytes.readInt32BE(at);
      at += 4;
      if (keyLength < 0) throw new RangeError(`processor metadata has a negative key length (${keyLength})`);
      need(keyLength + 8, "an entry");
      const key = bytes.toString("utf8", at, at + keyLength);
      at += keyLength;
      const value = bytes.readBigInt64BE(at);
      at += 8;
      metadata.#values.set(key, Number(value));
    }
    return metadata;
  }
}

const EMPTY = Buffer.alloc(0);
