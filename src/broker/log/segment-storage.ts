// Where a log segment's bytes live. The partition log (partition-log.ts) owns offsets, the
// batch index and every Kafka rule; a SegmentStorage only stores and returns bytes, so an
// in-memory and a file-backed implementation are interchangeable. The calls are
// synchronous on purpose: the log appends and reads under its own ordering, and a file
// implementation can use positional fs.writeSync/fs.readSync (a write that returned is in
// the OS page cache, which survives kill -9 of the broker).

export interface SegmentStorage {
  /** Bytes stored so far. */
  readonly size: number;
  /**
   * Appends one record batch at position `size`. With `retainable`, the batch's memory
   * belongs to it alone (not to a shared socket chunk), so the storage may keep it by
   * reference instead of copying; either way the caller must not modify it afterwards.
   */
  append(batch: Buffer, retainable: boolean): void;
  /**
   * The bytes in [position, position + length), as one or more buffers, without copying
   * where possible. The returned buffers must stay valid after later appends.
   */
  read(position: number, length: number): Buffer[];
  /** Makes everything appended so far durable (fsync for files; nothing in memory). */
  flush(): void;
  /** Drops the bytes from `size` on (recovery of a torn tail). */
  truncate(size: number): void;
  /** Releases the storage and its bytes (segment deleted by retention, DeleteRecords or the cleaner). */
  delete(): void;
}

/** Creates the storage of each new segment of one partition. */
export interface SegmentStorageFactory {
  create(baseOffset: number): SegmentStorage;
}
