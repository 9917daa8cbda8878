// A task's committed state in memory: in-memory stores and a checkpoint in a Map.
// The TopologyTestDriver uses it, and so does an app whose stores are in-memory (their
// state is rebuilt from the changelogs at every start, as in Kafka Streams).
import type { Checkpoint } from "./checkpoint.js";
import { validateCheckpoint } from "./checkpoint.js";
import { StoreClosedError } from "./errors.js";
import { InMemoryKeyValueBytesStore } from "./in-memory-bytes-store.js";
import { checkStoreName } from "./store-name.js";
import { StoreStreamTimes } from "./store-stream-time.js";
import type { ChangelogRecord, StoreWrites, TaskStorage } from "./task-storage.js";

export class InMemoryTaskStorage implements TaskStorage {
  readonly taskId: string;
  readonly streamTimes = new StoreStreamTimes();
  readonly #stores = new Map<string, InMemoryKeyValueBytesStore>();
  readonly #checkpoint = new Map<string, number>();
  #open = true;

  constructor(taskId: string) {
    this.taskId = taskId;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  store(name: string): InMemoryKeyValueBytesStore {
    this.#checkOpen();
    let store = this.#stores.get(name);
    if (store === undefined) {
      checkStoreName(name);
      store = new InMemoryKeyValueBytesStore(name);
      this.#stores.set(name, store);
    }
    return store;
  }

  async readCheckpoint(): Promise<Checkpoint> {
    this.#checkOpen();
    return new Map(this.#checkpoint);
  }

  async commit(
    writes: ReadonlyMap<string, StoreWrites>,
    checkpoint?: Checkpoint,
    streamTimes?: ReadonlyMap<string, number>,
  ): Promise<void> {
    this.#checkOpen();
    if (checkpoint !== undefined) validateCheckpoint(checkpoint);
    // Resolve every store and drain every iterable before changing anything: a bad
    // store name or a throwing iterable must leave the state as it was (all or nothing).
    const resolved: [InMemoryKeyValueBytesStore, [Buffer, Buffer | null][]][] = [];
    for (const [name, entries] of writes) resolved.push([this.store(name), [...entries]]);
    for (const [store, entries] of resolved) store.applySync(entries);
    if (checkpoint !== undefined) for (const [partition, offset] of checkpoint) this.#checkpoint.set(partition, offset);
    for (const [name, time] of streamTimes ?? []) {
      const cell = this.streamTimes.of(name);
      if (time > cell.time) cell.time = time;
    }
  }

  async deleteRows(rows: ReadonlyMap<string, readonly string[]>): Promise<void> {
    this.#checkOpen();
    const resolved = [...rows].map(([name, keys]) => [this.store(name), keys] as const);
    for (const [store, keys] of resolved) store.applySync(keys.map((row) => [Buffer.from(row, "latin1"), null]));
  }

  async restore(
    store: string,
    records: Iterable<ChangelogRecord>,
    changelogPartition: string,
    nextOffset: number,
  ): Promise<void> {
    this.#checkOpen();
    validateCheckpoint(new Map([[changelogPartition, nextOffset]]));
    const target = this.store(store);
    // Changelog records are views into the consumer's fetch buffers: copy them, or one
    // kept key would keep a whole fetch response alive.
    const entries: [Buffer, Buffer | null][] = [];
    for (const record of records) {
      entries.push([Buffer.from(record.key), record.value === null ? null : Buffer.from(record.value)]);
    }
    target.applySync(entries);
    this.#checkpoint.set(changelogPartition, nextOffset);
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    for (const store of this.#stores.values()) store.close();
    this.#stores.clear();
  }

  #checkOpen(): void {
    if (!this.#open) throw new StoreClosedError(this.taskId, "task");
  }
}
