// A log segment on disk: `<base offset, 20 digits>.log` holds the batches back to back, as
// Kafka's segment files do, and `<base>.txnindex` the segment's aborted transactions in
// Kafka's .txnindex entry format (34 bytes: int16 version 0, int64 producer id, first offset,
// last offset, last stable offset). Appends are positional write() calls: once one returns,
// the bytes are in the OS page cache and survive a kill -9 of the broker; fsync happens when
// the segment rolls (in the background), when flush.messages / flush.ms ask for it, and at
// shutdown. Reads copy into fresh buffers, which stay valid whatever happens to the file.
import { closeSync, fsync, fsyncSync, ftruncateSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { ByteReader } from "../../bytes/byte-reader.js";
import { ByteWriter } from "../../bytes/byte-writer.js";
import type { AbortedTxn } from "../log/log-segment.js";
import type { SegmentStorage } from "../log/segment-storage.js";

export const TXN_INDEX_ENTRY_BYTES = 34;

export function encodeAbortedTxn(txn: AbortedTxn): Buffer {
  const entry = ByteWriter.sized(TXN_INDEX_ENTRY_BYTES);
  entry.int16(0); // version
  entry.int64(txn.producerId);
  entry.int64(txn.firstOffset);
  entry.int64(txn.lastOffset);
  entry.int64(txn.lastStableOffset);
  return entry.toBuffer();
}

/** The whole entries of a .txnindex file (a torn last one, from a crash mid-write, is left out). */
export function decodeAbortedTxns(bytes: Buffer): AbortedTxn[] {
  const out: AbortedTxn[] = [];
  const whole = bytes.length - (bytes.length % TXN_INDEX_ENTRY_BYTES);
  const reader = new ByteReader(bytes, 0, whole, "transaction index");
  while (reader.remaining > 0) {
    reader.skip(2); // version
    out.push({
      producerId: reader.int64(),
      firstOffset: reader.int64(),
      lastOffset: reader.int64(),
      lastStableOffset: reader.int64(),
    });
  }
  return out;
}

function writeFully(fd: number, bytes: Buffer, position: number): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, position + written);
}

export class FileSegmentStorage implements SegmentStorage {
  /** Opened on first use: a broker with many old segments does not hold a descriptor for each. */
  private fd: number | null = null;
  private txnFd: number | null = null;
  private closed = false;
  private length: number;
  private txnLength: number;

  /**
   * `fresh`: a new segment (any leftover file at the path is emptied); otherwise an existing
   * file of `size` bytes whose transaction index holds `txnEntries` entries.
   */
  constructor(
    public logPath: string,
    public txnIndexPath: string,
    options: { fresh: true } | { fresh: false; size: number; txnEntries: number },
    private readonly onClose: (storage: FileSegmentStorage) => void,
  ) {
    if (options.fresh) this.fd = openSync(logPath, "w+");
    this.length = options.fresh ? 0 : options.size;
    this.txnLength = options.fresh ? 0 : options.txnEntries * TXN_INDEX_ENTRY_BYTES;
    if (options.fresh) {
      // A leftover index of an earlier segment at the same base must not be appended to.
      closeSync(openSync(txnIndexPath, "w"));
    }
  }

  get size(): number {
    return this.length;
  }

  private get handle(): number {
    if (this.closed) throw new Error(`segment ${this.logPath} is closed`);
    this.fd ??= openSync(this.logPath, "r+");
    return this.fd;
  }

  append(batch: Buffer): void {
    writeFully(this.handle, batch, this.length);
    this.length += batch.length;
  }

  read(position: number, length: number): Buffer[] {
    const end = Math.min(position + length, this.length);
    if (end <= position) return [];
    const buffer = Buffer.allocUnsafe(end - position);
    let filled = 0;
    while (filled < buffer.length) {
      const n = readSync(this.handle, buffer, filled, buffer.length - filled, position + filled);
      if (n === 0) throw new Error(`segment ${this.logPath} is shorter than its index says`);
      filled += n;
    }
    return [buffer];
  }

  flush(): void {
    if (this.fd !== null) fsyncSync(this.fd);
    if (this.txnFd !== null) fsyncSync(this.txnFd);
  }

  seal(): void {
    // Kafka flushes a rolled segment asynchronously; a failure only costs durability against
    // a power loss, which the next flush or the shutdown covers.
    if (this.fd !== null) fsync(this.fd, () => undefined);
  }

  truncate(size: number): void {
    if (size >= this.length) return;
    ftruncateSync(this.handle, size);
    this.length = size;
  }

  appendAbortedTxn(txn: AbortedTxn): void {
    this.txnFd ??= openSync(this.txnIndexPath, "r+");
    writeFully(this.txnFd, encodeAbortedTxn(txn), this.txnLength);
    this.txnLength += TXN_INDEX_ENTRY_BYTES;
  }

  /** Releases the file handles (clean shutdown, or after delete). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    if (this.txnFd !== null) closeSync(this.txnFd);
    this.fd = null;
    this.txnFd = null;
    this.closed = true;
    this.onClose(this);
  }

  delete(): void {
    this.close();
    for (const path of [this.logPath, this.txnIndexPath]) {
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
  }
}
