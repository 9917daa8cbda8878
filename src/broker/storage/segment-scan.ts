// Rebuilding a segment's batch index from its file at startup: the batch headers are read in
// large chunks, skipping over batch bodies; batches from `checkCrcFrom` on (and every control
// batch, whose marker type is read) are read whole.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { BatchEntry } from "../log/log-segment.js";
import { readControlType } from "../protocol/control-record.js";
import { crc32c } from "../../bytes/crc32c.js";
import { BATCH_OVERHEAD, isControl, readBatchHeader } from "../protocol/record-batch.js";

const CHUNK_BYTES = 4 << 20;

export interface ScannedSegment {
  entries: BatchEntry[];
  /** Bytes of whole, valid batches; the file is cut here if it is longer. */
  validBytes: number;
  fileBytes: number;
}

/** Reads a file front to back in chunks; a range larger than a chunk gets its own buffer. */
class ChunkReader {
  private chunk = Buffer.allocUnsafe(0);
  private chunkStart = 0;

  constructor(private readonly fd: number) {}

  read(position: number, length: number): Buffer {
    if (position >= this.chunkStart && position + length <= this.chunkStart + this.chunk.length) {
      return this.chunk.subarray(position - this.chunkStart, position - this.chunkStart + length);
    }
    const size = Math.max(length, CHUNK_BYTES);
    const buffer = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const n = readSync(this.fd, buffer, filled, size - filled, position + filled);
      if (n === 0) break;
      filled += n;
    }
    this.chunk = buffer.subarray(0, filled);
    this.chunkStart = position;
    return this.chunk.subarray(0, Math.min(length, filled));
  }
}

export function scanSegment(path: string, baseOffset: number, checkCrcFrom: number): ScannedSegment {
  const fd = openSync(path, "r");
  try {
    const fileBytes = fstatSync(fd).size;
    const reader = new ChunkReader(fd);
    const entries: BatchEntry[] = [];
    let position = 0;
    let nextOffset = baseOffset;
    let maxSoFar = -1;
    while (position < fileBytes) {
      if (fileBytes - position < BATCH_OVERHEAD) break;
      const head = reader.read(position, BATCH_OVERHEAD);
      const header = readBatchHeader(head, 0);
      if (header.magic !== 2 || header.size < BATCH_OVERHEAD || position + header.size > fileBytes) break;
      if (header.baseOffset < nextOffset || header.lastOffsetDelta < 0) break;
      let controlType = -1;
      const control = isControl(header.attributes);
      if (header.baseOffset >= checkCrcFrom || control) {
        const batch = reader.read(position, header.size);
        if (header.baseOffset >= checkCrcFrom && crc32c(batch, 21, batch.length) !== header.crc) break;
        if (control) controlType = readControlType(batch) ?? -1;
      }
      maxSoFar = Math.max(maxSoFar, header.maxTimestamp);
      entries.push({
        baseOffset: header.baseOffset,
        lastOffset: header.baseOffset + header.lastOffsetDelta,
        position,
        size: header.size,
        maxTimestamp: header.maxTimestamp,
        maxTimestampSoFar: maxSoFar,
        producerId: header.producerId,
        producerEpoch: header.producerEpoch,
        baseSequence: header.baseSequence,
        attributes: header.attributes,
        recordCount: header.recordCount,
        controlType,
      });
      nextOffset = header.baseOffset + header.lastOffsetDelta + 1;
      position += header.size;
    }
    return { entries, validBytes: position, fileBytes };
  } finally {
    closeSync(fd);
  }
}
