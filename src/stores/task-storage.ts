// The committed state of one task: its stores (ordered bytes) and its checkpoint, with
// one atomic commit for both. LevelDbTaskStorage keeps it in one LevelDB per task
// directory; InMemoryTaskStorage keeps it in memory (TopologyTestDriver, in-memory
// stores). The runtime writes through a TaskOverlay, never to the stores directly,
// when it needs "state is committed after Kafka is".
import type { Checkpoint } from "./checkpoint.js";
import type { KeyValueBytesStore } from "./key-value-store.js";
import type { StoreStreamTimes } from "./store-stream-time.js";

/** One record read from a changelog topic: a null value is a tombstone (delete). */
export interface ChangelogRecord {
  key: Buffer;
  value: Buffer | null;
  /** The record's timestamp: a timestamped store's value carries it once restored (changelog-format.ts). */
  timestamp?: number;
}

/** A batch of puts (Buffer) and deletes (null) for one store. */
export type StoreWrites = Iterable<[Buffer, Buffer | null]>;

export interface TaskStorage {
  readonly taskId: string;
  readonly isOpen: boolean;
  /**
   * Each store's observed stream time as of its committed state: advanced by restores,
   * standby updates and the task's commits; queries expire windows by it. Kept with the
   * open storage (a standby's storage handed to the active task carries it); a persistent
   * storage keeps it on disk in the batches that write the rows, and reads it back on open.
   */
  readonly streamTimes: StoreStreamTimes;
  /**
   * The committed bytes store named `name`, created on first use. Writes to it are
   * applied at once (no overlay): for restore-free uses and tests. Interactive
   * queries read these stores, so they only see committed state.
   */
  store(name: string): KeyValueBytesStore;
  /** The checkpoint as last committed. */
  readCheckpoint(): Promise<Checkpoint>;
  /**
   * Applies every store's writes and merges `checkpoint` into the stored checkpoint,
   * all or nothing. Within one store's writes, a later write to a key wins. `streamTimes`
   * are the stores' stream times as of these writes: a store's clock moves up to its
   * (never back) with them.
   */
  commit(
    writes: ReadonlyMap<string, StoreWrites>,
    checkpoint?: Checkpoint,
    streamTimes?: ReadonlyMap<string, number>,
  ): Promise<void>;
  /**
   * Deletes rows named by their keys' bytes as latin1 strings (a window store's expired
   * rows, as its row index keeps them), per store, in one batch: no Buffer per row is
   * made before the one the storage writes.
   */
  deleteRows(rows: ReadonlyMap<string, readonly string[]>): Promise<void>;
  /**
   * The restore path: applies changelog records to one store and sets the checkpoint
   * of their changelog partition to `nextOffset` (the offset after the last record),
   * all or nothing. The store's stream time, as reading the records left it, goes with them.
   */
  restore(
    store: string,
    records: Iterable<ChangelogRecord>,
    changelogPartition: string,
    nextOffset: number,
  ): Promise<void>;
  /** Closes the stores; the state stays where it is (in memory, it is dropped). */
  close(): Promise<void>;
}
