// One store's slice of a task's LevelDB (see leveldb-key-layout.ts). Handed out by
// LevelDbTaskStorage; it never owns the database.
import type { ClassicLevel } from "classic-level";
import { isEmptyRange, keyBounds } from "./bytes-order.js";
import { StateStoreError, StoreClosedError } from "./errors.js";
import type { BytesRange, KeyValueBytesStore } from "./key-value-store.js";
import { prefixed } from "./leveldb-key-layout.js";
import type { StoreKeySpace } from "./leveldb-key-layout.js";

/** What a store needs from the database that holds it. */
export interface LevelDbHandle {
  readonly db: ClassicLevel<Buffer, Buffer>;
  readonly directory: string;
  readonly isOpen: boolean;
}

// Iterators read ahead in growing steps: a short prefix scan costs a small read, a
// full scan soon reads large chunks.
const FIRST_READ = 16;
const MAX_READ = 1024;

export class LevelDbKeyValueBytesStore implements KeyValueBytesStore {
  readonly name: string;
  readonly #handle: LevelDbHandle;
  readonly #space: StoreKeySpace;
  readonly #prefix: Buffer;
  readonly #end: Buffer;
  #version = 0;

  constructor(handle: LevelDbHandle, keySpace: StoreKeySpace) {
    this.name = keySpace.name;
    this.#handle = handle;
    this.#space = keySpace;
    this.#prefix = keySpace.prefix;
    this.#end = keySpace.end;
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    return this.getNow(key);
  }

  /** See KeyValueBytesStore.version: bumped once a write to this store finished (here or by the task storage's commit and restore). */
  get version(): number {
    return this.#handle.isOpen ? this.#version : -1;
  }

  /** A write to this store's keys finished (or failed part way): reads made before may be out of date. */
  markChanged(): void {
    this.#version += 1;
  }

  // getSync: a LevelDB read is a memtable or block-cache lookup (at worst a page-cache
  // read), so doing it inline costs less than the thread-pool round trip of db.get()
  // (~5x fewer gets per second in bench/stores.ts). Reads are the hot path of every processor.
  getNow(key: Buffer): Buffer | undefined {
    this.#checkOpen();
    try {
      return this.#handle.db.getSync(prefixed(this.#prefix, key));
    } catch (error) {
      throw this.#failure("read from", error);
    }
  }

  async put(key: Buffer, value: Buffer): Promise<void> {
    if (!this.#space.registered) return this.write([[key, value]]);
    this.#checkOpen();
    try {
      await this.#handle.db.put(prefixed(this.#prefix, key), value);
    } catch (error) {
      throw this.#failure("write to", error);
    } finally {
      this.markChanged();
    }
  }

  async delete(key: Buffer): Promise<void> {
    this.#checkOpen();
    // A store whose id is not on disk yet has no data to delete.
    if (!this.#space.registered) return;
    try {
      await this.#handle.db.del(prefixed(this.#prefix, key));
    } catch (error) {
      throw this.#failure("write to", error);
    } finally {
      this.markChanged();
    }
  }

  async write(batch: Iterable<[Buffer, Buffer | null]>): Promise<void> {
    this.#checkOpen();
    const chained = this.#handle.db.batch();
    const registering = !this.#space.registered;
    try {
      if (registering) chained.put(this.#space.registrationKey, this.#space.registrationValue);
      for (const [key, value] of batch) {
        if (value === null) chained.del(prefixed(this.#prefix, key));
        else chained.put(prefixed(this.#prefix, key), value);
      }
    } catch (error) {
      await chained.close();
      throw error;
    }
    try {
      await chained.write();
    } catch (error) {
      throw this.#failure("write to", error);
    } finally {
      this.markChanged();
    }
    if (registering) this.#space.registered = true;
  }

  async *iterate(range: BytesRange): AsyncIterableIterator<[Buffer, Buffer]> {
    this.#checkOpen();
    const bounds = keyBounds(range);
    if (isEmptyRange(bounds)) return;
    const prefix = this.#prefix;
    const options: { gt?: Buffer; gte?: Buffer; lt?: Buffer; lte?: Buffer; reverse: boolean } = {
      reverse: range.reverse === true,
    };
    if (bounds.lower === undefined) options.gte = prefix;
    else if (bounds.lowerInclusive) options.gte = prefixed(prefix, bounds.lower);
    else options.gt = prefixed(prefix, bounds.lower);
    if (bounds.upper === undefined) options.lt = this.#end;
    else if (bounds.upperInclusive) options.lte = prefixed(prefix, bounds.upper);
    else options.lt = prefixed(prefix, bounds.upper);

    const iterator = this.#handle.db.iterator(options);
    try {
      let size = FIRST_READ;
      while (true) {
        let entries: [Buffer, Buffer][];
        try {
          entries = (await iterator.nextv(size)) as [Buffer, Buffer][];
        } catch (error) {
          throw this.#failure("iterate over", error);
        }
        if (entries.length === 0) return;
        for (const [key, value] of entries) {
          // Entries read ahead must not outlive the database either.
          this.#checkOpen();
          yield [key.subarray(prefix.length), value];
        }
        if (size < MAX_READ) size *= 4;
      }
    } finally {
      await iterator.close();
    }
  }

  /** Exact, by counting keys (LevelDB keeps no count): O(entries), for monitoring rather than the hot path. */
  async approximateNumEntries(): Promise<number> {
    this.#checkOpen();
    const keys = this.#handle.db.keys({ gte: this.#prefix, lt: this.#end });
    let count = 0;
    try {
      while (true) {
        const chunk = await keys.nextv(MAX_READ);
        if (chunk.length === 0) return count;
        count += chunk.length;
      }
    } catch (error) {
      throw this.#failure("count", error);
    } finally {
      await keys.close();
    }
  }

  #checkOpen(): void {
    if (!this.#handle.isOpen) throw new StoreClosedError(this.name);
  }

  #failure(action: string, error: unknown): Error {
    if (!this.#handle.isOpen) return new StoreClosedError(this.name);
    return new StateStoreError(
      `Cannot ${action} state store "${this.name}" in ${this.#handle.directory}: ${error instanceof Error ? error.message : String(error)}`,
      this.#handle.directory,
      { cause: error },
    );
  }
}
