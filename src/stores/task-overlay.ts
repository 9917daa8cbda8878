// The per-task transactional overlay: state is committed after Kafka is (docs/ARCHITECTURE.md,
// "One record's path").
// While a Kafka transaction is open, every write to the task's stores lands here;
// reads see it first. When the transaction commits, commit() writes all stores'
// pending writes and the new changelog checkpoint to the task storage in ONE atomic
// batch; when it aborts (or the task is fenced), discard() drops them. Interactive
// queries read the task storage directly, so they only ever see committed state.
//
// The runtime drives it:
//   const overlay = new TaskOverlay(storage);
//   const store = new TypedKeyValueStore(overlay.store("visit-counts"), Serdes.string(), Serdes.long());
//   ... process records, writing through `store` ...
//   await producer.commitTransaction();
//   await overlay.commit(new Map([[changelogPartition(topic, p), nextOffset]]));
import type { Checkpoint } from "./checkpoint.js";
import { StateCommitInProgressError, StoreClosedError } from "./errors.js";
import type { OverlayState } from "./overlay-bytes-store.js";
import { OverlayBytesStore } from "./overlay-bytes-store.js";
import type { StreamTimeCell } from "./store-stream-time.js";
import type { StoreWrites, TaskStorage } from "./task-storage.js";

/** What a commit in flight writes (TaskOverlay.seal), set apart from the writes made after it. */
export interface SealedWrites {
  readonly writes: ReadonlyMap<string, ReadonlyArray<[Buffer, Buffer | null]>>;
  /** Per store, the rows dropped unlogged (their keys' bytes as latin1). */
  readonly dropped: ReadonlyMap<string, readonly string[]>;
  readonly streamTimes: ReadonlyMap<string, number>;
}

export class TaskOverlay implements OverlayState {
  readonly storage: TaskStorage;
  readonly #stores = new Map<string, OverlayBytesStore>();
  /** The writers' stream times, ahead of the committed ones until the next commit. */
  readonly #streamTimes = new Map<string, StreamTimeCell>();
  #committing = false;
  // The last commit's dropped rows being deleted (never rejects): the next commit waits for it.
  #dropping: Promise<void> = Promise.resolve();
  // Dropped rows whose delete failed, per store: the next delete retries them.
  #undropped = new Map<string, string[]>();

  constructor(storage: TaskStorage) {
    this.storage = storage;
  }

  get isOpen(): boolean {
    return this.storage.isOpen;
  }

  get isCommitting(): boolean {
    return this.#committing;
  }

  /** Keys with a pending write, over all stores (dropped rows apart). */
  get pendingCount(): number {
    let count = 0;
    for (const store of this.#stores.values()) count += store.pendingCount;
    return count;
  }

  /** Settles once the last commit's dropped rows are deleted (or failed, to be retried by the next commit). */
  dropsSettled(): Promise<void> {
    return this.#dropping;
  }

  /** The store `name` as the task's processors see it: committed state plus this transaction's writes. */
  store(name: string): OverlayBytesStore {
    let store = this.#stores.get(name);
    if (store === undefined) {
      store = new OverlayBytesStore(this.storage.store(name), this);
      this.#stores.set(name, store);
    }
    return store;
  }

  /**
   * The clock the task's writer of store `name` advances: it starts at the committed
   * stream time and becomes the committed one at commit(), so that a discarded
   * transaction leaves the store's stream time where its committed state has it.
   */
  streamTime(name: string): StreamTimeCell {
    let cell = this.#streamTimes.get(name);
    if (cell === undefined) {
      cell = { time: this.storage.streamTimes.get(name), cleanedBelowSegment: 0 };
      this.#streamTimes.set(name, cell);
    }
    return cell;
  }

  /**
   * Writes every store's pending writes and merges `checkpoint` into the task's
   * checkpoint, in one atomic batch, then empties the overlay. Call it only after the
   * Kafka transaction that carried the same changes to the changelogs has committed.
   * If the write fails, the overlay keeps its writes (the state on disk is then
   * behind its changelogs: retry, or close the task and restore from the checkpoint).
   */
  async commit(checkpoint?: Checkpoint): Promise<void> {
    if (!this.storage.isOpen) throw new StoreClosedError(this.storage.taskId, "task");
    if (this.#committing) throw new StateCommitInProgressError([...this.#stores.keys()].join(", "));
    const writes = new Map<string, StoreWrites>();
    let dropped = 0;
    for (const [name, store] of this.#stores) {
      if (store.pendingCount > 0) writes.set(name, undroppedWrites(store.pendingWrites(), store.droppedRows));
      dropped += store.droppedCount;
    }
    const streamTimes = this.#advancedStreamTimes();
    if (
      writes.size === 0 &&
      dropped === 0 &&
      streamTimes.size === 0 &&
      (checkpoint === undefined || checkpoint.size === 0)
    ) {
      return;
    }
    this.#committing = true;
    const drops = this.#undropped;
    try {
      await this.#dropping;
      await this.storage.commit(writes, checkpoint, streamTimes);
      this.#undropped = new Map();
      for (const [name, store] of this.#stores) {
        const rows = store.takeDropped();
        if (rows.length > 0) drops.set(name, [...(drops.get(name) ?? []), ...rows]);
        store.clearPending();
      }
    } finally {
      this.#committing = false;
    }
    if (drops.size > 0) this.#dropping = this.#drop(drops);
  }

  /**
   * Sets apart what the transaction being committed holds, so that processing may go on
   * while it commits (the thread's commit in the background, runtime/thread-transaction.ts):
   * every store's pending writes and dropped rows, and the writers' stream times, as they
   * stand. Writes made from here on stay pending over the snapshot and are read first;
   * commitSealed() writes the snapshot, discard() drops both.
   */
  seal(): SealedWrites {
    const writes = new Map<string, Array<[Buffer, Buffer | null]>>();
    const dropped = new Map<string, string[]>();
    for (const [name, store] of this.#stores) {
      if (store.pendingCount > 0) writes.set(name, store.snapshot());
      const rows = store.takeDropped();
      if (rows.length > 0) dropped.set(name, rows);
    }
    return { writes, dropped, streamTimes: this.#advancedStreamTimes() };
  }

  /**
   * commit() for a sealed snapshot: its writes and `checkpoint` in one atomic batch, while
   * the processors may go on writing (their writes stay pending); then the pending writes
   * the batch holds are forgotten, and the snapshot's dropped rows deleted after it.
   */
  async commitSealed(sealed: SealedWrites, checkpoint?: Checkpoint): Promise<void> {
    if (!this.storage.isOpen) throw new StoreClosedError(this.storage.taskId, "task");
    if (this.#committing) throw new StateCommitInProgressError([...this.#stores.keys()].join(", "));
    const { writes, dropped, streamTimes } = sealed;
    if (
      writes.size > 0 ||
      dropped.size > 0 ||
      streamTimes.size > 0 ||
      (checkpoint !== undefined && checkpoint.size > 0)
    ) {
      const batch = new Map<string, StoreWrites>();
      for (const [name, written] of writes) batch.set(name, undroppedWrites(written, dropped.get(name)));
      await this.#dropping;
      await this.storage.commit(batch, checkpoint, streamTimes);
      for (const [name, written] of writes) this.#stores.get(name)?.forgetWritten(written);
    }
    if (sealed.dropped.size === 0 && this.#undropped.size === 0) return;
    const drops = this.#undropped;
    this.#undropped = new Map();
    for (const [name, rows] of sealed.dropped) drops.set(name, [...(drops.get(name) ?? []), ...rows]);
    const previous = this.#dropping;
    this.#dropping = previous.then(() => this.#drop(drops));
  }

  /**
   * Deletes the rows dropped during the transaction just committed (an expired segment's):
   * in a batch of their own, after the commit's, so that processing goes on meanwhile. Nothing
   * writes them again, and nothing needs them gone at once: a window store reads no expired
   * row, and one left behind by a crash is dropped again by its next writer (window-store.ts).
   * A failed delete is retried with the next commit's.
   */
  async #drop(drops: Map<string, string[]>): Promise<void> {
    try {
      await this.storage.deleteRows(drops);
    } catch {
      for (const [name, rows] of drops) this.#undropped.set(name, [...(this.#undropped.get(name) ?? []), ...rows]);
    }
  }

  /** The writers' clocks that moved past the committed ones: they become committed with the writes. */
  #advancedStreamTimes(): Map<string, number> {
    const advanced = new Map<string, number>();
    for (const [name, pending] of this.#streamTimes) {
      if (pending.time > this.storage.streamTimes.get(name)) advanced.set(name, pending.time);
    }
    return advanced;
  }

  /** Drops every pending write: the transaction aborted, or the task lost its partitions. */
  discard(): void {
    if (this.#committing) throw new StateCommitInProgressError([...this.#stores.keys()].join(", "));
    for (const store of this.#stores.values()) store.clearPending();
  }
}

/**
 * A store's writes for the commit's batch, less those to rows it dropped in the same
 * transaction: the delete that follows the batch removes them, so the batch need not write
 * them (most sessions of a busy task expire before the commit that flushes them). Their
 * changelog records are written all the same, as Kafka Streams logs a write to an expired
 * segment that its store skips.
 */
function undroppedWrites(writes: StoreWrites, dropped: readonly string[] | undefined): StoreWrites {
  if (dropped === undefined || dropped.length === 0) return writes;
  const rows = new Set(dropped);
  const kept: Array<[Buffer, Buffer | null]> = [];
  for (const write of writes) if (!rows.has(write[0].toString("latin1"))) kept.push(write);
  return kept;
}
