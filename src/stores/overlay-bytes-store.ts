// One store seen through its task's overlay: the writes of the open Kafka transaction
// sit in memory, over the committed base store. Reads see the pending writes first
// (a pending delete hides the base value); scans merge both in key order. A commit in
// flight (TaskOverlay.seal) takes the pending writes whole as its sealed writes, and new
// writes start an empty map over them: once the commit is written, the sealed map is
// dropped at once, where each written key was looked up and deleted.
import { compareBytes, isEmptyRange, keyBounds } from "./bytes-order.js";
import type { KeyBounds } from "./bytes-order.js";
import { StateCommitInProgressError, StoreClosedError } from "./errors.js";
import type { BytesRange, KeyValueBytesStore } from "./key-value-store.js";
import { LazyOrderedBytesMap } from "./lazy-ordered-bytes-map.js";

/** What the store needs from its TaskOverlay. */
export interface OverlayState {
  readonly isCommitting: boolean;
  readonly isOpen: boolean;
}

export class OverlayBytesStore implements KeyValueBytesStore {
  readonly name: string;
  readonly base: KeyValueBytesStore;
  readonly #overlay: OverlayState;
  // A Buffer is a pending put, null a pending delete. Hashed until the store is first scanned
  // (lazy-ordered-bytes-map.ts), kept in key order from then on (#scanned).
  #pending = new LazyOrderedBytesMap<Buffer | null>();
  // The writes a commit in flight is writing (snapshot()), under #pending, until forgetWritten().
  #sealed: LazyOrderedBytesMap<Buffer | null> | undefined;
  #scanned = false;
  #sealedSnapshot: ReadonlyArray<readonly [Buffer, Buffer | null]> | undefined;
  // Bumped when the pending writes move to the base or are dropped: running iterators restart.
  #generation = 0;
  // Rows dropped unlogged (dropNow), their keys' bytes as latin1: an expired segment's, deleted after the commit.
  #dropped: string[] = [];

  constructor(base: KeyValueBytesStore, overlay: OverlayState) {
    this.name = base.name;
    this.base = base;
    this.#overlay = overlay;
  }

  /** Number of pending writes (puts and deletes; dropped rows apart), a key counted twice when written again since a seal. */
  get pendingCount(): number {
    return this.#pending.size + (this.#sealed?.size ?? 0);
  }

  /** Number of rows dropped (dropNow) since the last commit. */
  get droppedCount(): number {
    return this.#dropped.length;
  }

  /** The pending writes in key order, for the commit batch; the overlay must not change while this runs. */
  pendingWrites(): IterableIterator<[Buffer, Buffer | null]> {
    if (this.#sealed === undefined) return this.#pending.entries();
    return this.#pendingScan(keyBounds({}), false);
  }

  /** pendingWrites() for a visitor: no iterator, and no pair per write while nothing is sealed. */
  forEachPending(visit: (key: Buffer, value: Buffer | null) => void): void {
    if (this.#sealed === undefined) this.#pending.forEach(visit);
    else for (const [key, value] of this.pendingWrites()) visit(key, value);
  }

  /** The rows dropped since the last commit (dropNow), their keys' bytes as latin1. */
  get droppedRows(): readonly string[] {
    return this.#dropped;
  }

  /** The rows dropped since the last commit, for the delete that follows it; forgets them. */
  takeDropped(): string[] {
    const dropped = this.#dropped;
    this.#dropped = [];
    return dropped;
  }

  /**
   * The pending writes as they stand, in key order: what a commit sets apart while writes go
   * on (TaskOverlay.seal). They become the sealed writes, read under the writes made after.
   */
  snapshot(): Array<[Buffer, Buffer | null]> {
    const pending = this.#pending;
    // A commit that failed left its sealed writes: the next one writes them too.
    const sealed = this.#sealed ?? pending;
    if (sealed !== pending) for (const [key, value] of pending.entries()) sealed.set(key, value);
    this.#sealed = sealed;
    const snapshot = sealed.toArray();
    // The next interval's writes are mostly to the same keys: their order is the next sort's hint.
    this.#pending = new LazyOrderedBytesMap<Buffer | null>(this.#scanned, sealed.rowOrder());
    this.#generation += 1;
    this.#sealedSnapshot = snapshot;
    return snapshot;
  }

  /**
   * The base now holds `written` (the last snapshot): the sealed writes are forgotten; those
   * made since stay pending.
   */
  forgetWritten(written: ReadonlyArray<readonly [Buffer, Buffer | null]>): void {
    const sealed = this.#sealed;
    if (sealed !== undefined && written === this.#sealedSnapshot) {
      this.#sealed = undefined;
      this.#sealedSnapshot = undefined;
    } else if (sealed !== undefined) {
      // Not the last snapshot: only the writes it holds are forgotten.
      for (const [key, value] of written) if (sealed.get(key) === value) sealed.delete(key);
    }
    this.#generation += 1;
  }

  /** Forgets the pending writes and drops (after a commit, or to discard them). */
  clearPending(): void {
    this.#pending = new LazyOrderedBytesMap<Buffer | null>(this.#scanned, this.#pending.rowOrder());
    this.#sealed = undefined;
    this.#sealedSnapshot = undefined;
    this.#dropped = [];
    this.#generation += 1;
  }

  /**
   * A delete the changelog does not carry, of a row its writer will neither read nor
   * write again: a window store drops an expired segment's rows so, as Kafka Streams
   * drops a segment without logging it (its windowed changelog's retention.ms removes
   * them from the topic). It costs the hot path no lookup, and the commit no time: the
   * overlay deletes the rows once the commit's batch is written (task-overlay.ts), and
   * until then reads may still see them (a window store reads no expired window). The
   * row is the key's bytes as a latin1 string, as a window store's row index keeps it.
   */
  dropNow(row: string): void {
    this.#checkWritable();
    this.#dropped.push(row);
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    this.#checkOpen();
    const pending = this.#pendingGet(key);
    if (pending !== undefined) return pending ?? undefined;
    return this.base.get(key);
  }

  async put(key: Buffer, value: Buffer): Promise<void> {
    this.writeNow(key, value);
  }

  async delete(key: Buffer): Promise<void> {
    this.writeNow(key, null);
  }

  /**
   * put() (a Buffer) or delete() (null), done before it returns: the writes only touch memory.
   * `row`, when the caller keeps it, is `key.toString("latin1")`: the pending writes' hash key.
   */
  writeNow(key: Buffer, value: Buffer | null, row?: string): void {
    this.#checkWritable();
    this.#pending.set(key, value, row);
  }

  /**
   * Whether `value` is the pending write of `row` (a key's bytes as latin1) and no reader, scan
   * or commit was handed a pending write since the last seal or commit: its writer, the only
   * one holding it then, may write the key's next value over it (CachingKeyValueStore.putNow).
   */
  holdsUnread(row: string, value: Buffer): boolean {
    return this.#pending.holdsUnread(row, value);
  }

  async write(batch: Iterable<[Buffer, Buffer | null]>): Promise<void> {
    this.#checkWritable();
    const entries = Array.isArray(batch) ? (batch as [Buffer, Buffer | null][]) : [...batch];
    for (const [key, value] of entries) this.#pending.set(key, value);
  }

  /**
   * Merges the base store's entries with the pending writes, in key order. Weakly
   * consistent like every store iterator, and it survives a commit or discard while it
   * runs: it then resumes after the last key it returned, on the new committed state.
   */
  async *iterate(range: BytesRange): AsyncIterableIterator<[Buffer, Buffer]> {
    this.#checkOpen();
    if (isEmptyRange(keyBounds(range))) return;
    const reverse = range.reverse === true;
    const direction = reverse ? -1 : 1;
    // A store that scans once scans again (a window store, per record): its writes stay ordered.
    this.#scanned = true;
    let last: Buffer | undefined;
    while (true) {
      const resumed: BytesRange =
        last === undefined ? range : reverse ? { ...range, lt: last } : { ...range, gt: last };
      const generation = this.#generation;
      const base = this.base.iterate(resumed);
      const writes = this.#pendingScan(keyBounds(resumed), reverse);
      try {
        let baseNext = await base.next();
        let writeNext = writes.next();
        while (baseNext.done !== true || writeNext.done !== true) {
          if (this.#generation !== generation) break;
          const order =
            baseNext.done === true
              ? 1
              : writeNext.done === true
                ? -1
                : compareBytes(baseNext.value[0], writeNext.value[0]) * direction;
          if (order < 0) {
            const [key, value] = baseNext.value as [Buffer, Buffer];
            // Look the key up again rather than trusting the pending scan's chunk: a
            // write made since that chunk was read still hides or replaces the base value.
            const current = this.#pendingGet(key);
            if (current !== null) {
              last = key;
              yield [key, current ?? value];
            }
            baseNext = await base.next();
            continue;
          }
          const [key, value] = writeNext.value as [Buffer, Buffer | null];
          // The lookup above may already have returned this key from a newer write.
          if (value !== null && (last === undefined || compareBytes(key, last) * direction > 0)) {
            last = key;
            yield [key, value];
          }
          writeNext = writes.next();
          if (order === 0) baseNext = await base.next();
        }
      } finally {
        await base.return?.();
      }
      if (this.#generation === generation) return;
      this.#checkOpen();
    }
  }

  /**
   * The base count corrected by the pending writes and drops: one base lookup per
   * pending key, and the overlay holds one commit interval's writes, so this stays cheap.
   */
  async approximateNumEntries(): Promise<number> {
    this.#checkOpen();
    let count = await this.base.approximateNumEntries();
    const dropped = new Set(this.#dropped);
    for (const [key, value] of [...this.pendingWrites()]) {
      // Deleted by the commit, whatever the pending write.
      if (dropped.has(key.toString("latin1"))) continue;
      const inBase = (await this.base.get(key)) !== undefined;
      if (value === null && inBase) count -= 1;
      else if (value !== null && !inBase) count += 1;
    }
    for (const row of dropped) if ((await this.base.get(Buffer.from(row, "latin1"))) !== undefined) count -= 1;
    return count;
  }

  /** The pending write of `key` (null: a delete), the sealed one under it; undefined when neither. */
  #pendingGet(key: Buffer): Buffer | null | undefined {
    const pending = this.#pending.size === 0 ? undefined : this.#pending.get(key);
    if (pending !== undefined || this.#sealed === undefined) return pending;
    return this.#sealed.get(key);
  }

  /** The pending writes within `bounds` in key order, merged over the sealed ones (a key's newer write wins). */
  *#pendingScan(bounds: KeyBounds, reverse: boolean): IterableIterator<[Buffer, Buffer | null]> {
    const sealed = this.#sealed;
    if (sealed === undefined) {
      yield* this.#pending.scan(bounds, reverse);
      return;
    }
    const direction = reverse ? -1 : 1;
    const newer = this.#pending.scan(bounds, reverse);
    const older = sealed.scan(bounds, reverse);
    let a = newer.next();
    let b = older.next();
    while (a.done !== true || b.done !== true) {
      const order = a.done === true ? 1 : b.done === true ? -1 : compareBytes(a.value[0], b.value[0]) * direction;
      if (order <= 0) {
        yield a.value as [Buffer, Buffer | null];
        a = newer.next();
        if (order === 0) b = older.next();
      } else {
        yield b.value as [Buffer, Buffer | null];
        b = older.next();
      }
    }
  }

  #checkOpen(): void {
    if (!this.#overlay.isOpen) throw new StoreClosedError(this.name);
  }

  #checkWritable(): void {
    this.#checkOpen();
    if (this.#overlay.isCommitting) throw new StateCommitInProgressError(this.name);
  }
}
