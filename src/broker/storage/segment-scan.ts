// Rebuilding a segment's batch index from its file at startup: the batch headers are read in
// large chunks, skipping over batch bodies; batches from `checkCrcFrom` on (and every control
// batch, whose marker type is read) are read whole.
//
// A batch that is not what a batch must be (magic 2, a size within the file, offsets that
// move forward, and from `checkCrcFrom` on its CRC) is damage. In the recovery region (from
// `checkCrcFrom` on, after an unclean shutdown) the scan stops there, as Kafka's
// LogSegment.recover does: the loader truncates. Anywhere else the scan looks for the next
// valid batch (a plausible header whose CRC holds) and carries on from it: the damaged bytes
// stay in the file, unindexed, and are reported; the batches after them are indexed.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { BatchEntry } from "../log/log-segment.js";
import { readControlType } from "../protocol/control-record.js";
import { crc32c } from "../../bytes/crc32c.js";
import { BATCH_OVERHEAD, isControl, readBatchHeader, type BatchHeader } from "../protocol/record-batch.js";

const CHUNK_BYTES = 4 << 20;
const MAGIC_AT = 16;

/** Bytes of a segment that hold no valid batch. */
export interface DamagedSpan {
  position: number;
  /** Up to the next valid batch, or to the end of the file. */
  bytes: number;
  reason: string;
  /** The offset the damaged bytes would have started at. */
  fromOffset: number;
  /** The base offset of the next valid batch, or null when none follows in the file. */
  resumesAt: number | null;
}

export interface ScannedSegment {
  entries: BatchEntry[];
  /** Damage skipped over (outside the recovery region): the bytes are kept. */
  skipped: DamagedSpan[];
  /** Damage in the recovery region: the scan stopped there, and the file is cut at its position. */
  stoppedAt: DamagedSpan | null;
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

/** What is wrong with the header at `position` as the next batch, or null. */
function headerProblem(header: BatchHeader, position: number, fileBytes: number, nextOffset: number): string | null {
  if (header.magic !== 2) return `magic ${header.magic}`;
  if (header.size < BATCH_OVERHEAD || position + header.size > fileBytes) {
    return `a batch length of ${header.size - 12} bytes where ${fileBytes - position} remain`;
  }
  if (header.lastOffsetDelta < 0) return `a last offset delta of ${header.lastOffsetDelta}`;
  if (header.baseOffset < nextOffset)
    return `base offset ${header.baseOffset} where ${nextOffset} or more was expected`;
  return null;
}

function crcHolds(reader: ChunkReader, position: number, header: BatchHeader): boolean {
  const batch = reader.read(position, header.size);
  return crc32c(batch, 21, batch.length) === header.crc;
}

/** The next position from `from` on holding a valid batch at `nextOffset` or later (CRC checked), or null. */
function findNextBatch(reader: ChunkReader, from: number, fileBytes: number, nextOffset: number): number | null {
  let start = from;
  while (start + BATCH_OVERHEAD <= fileBytes) {
    // A chunk read later for a CRC is a new buffer: this window stays as it is.
    const window = reader.read(start, Math.min(CHUNK_BYTES, fileBytes - start));
    for (let i = window.indexOf(2, MAGIC_AT); i !== -1 && i - MAGIC_AT + BATCH_OVERHEAD <= window.length;) {
      const position = start + i - MAGIC_AT;
      const header = readBatchHeader(window, i - MAGIC_AT);
      if (headerProblem(header, position, fileBytes, nextOffset) === null && crcHolds(reader, position, header)) {
        return position;
      }
      i = window.indexOf(2, i + 1);
    }
    start += Math.max(1, window.length - BATCH_OVERHEAD + 1);
  }
  return null;
}

function entryOf(header: BatchHeader, position: number, maxSoFar: number, controlType: number): BatchEntry {
  return {
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
  };
}

/**
 * Indexes the segment at `path` (base offset `baseOffset`). `checkCrcFrom`: batches from this
 * offset on are CRC-checked and form the recovery region (Infinity after a clean shutdown).
 */
export function scanSegment(path: string, baseOffset: number, checkCrcFrom: number): ScannedSegment {
  const fd = openSync(path, "r");
  try {
    const fileBytes = fstatSync(fd).size;
    const reader = new ChunkReader(fd);
    const entries: BatchEntry[] = [];
    const skipped: DamagedSpan[] = [];
    let position = 0;
    let nextOffset = baseOffset;
    let maxSoFar = -1;
    while (position < fileBytes) {
      let problem: string | null;
      let header: BatchHeader | null = null;
      if (fileBytes - position < BATCH_OVERHEAD) {
        problem = `${fileBytes - position} bytes, less than a batch header`;
      } else {
        header = readBatchHeader(reader.read(position, BATCH_OVERHEAD), 0);
        problem = headerProblem(header, position, fileBytes, nextOffset);
        if (problem === null && header.baseOffset >= checkCrcFrom && !crcHolds(reader, position, header)) {
          problem = "a CRC that does not match";
        }
      }
      if (problem !== null && header !== null && header.baseOffset < nextOffset && entries.length > 0) {
        // Offsets going back: if this batch follows the one before the last, it is the last
        // one whose base offset or offset delta is wrong (neither check nor the CRC caught it).
        const previous = entries[entries.length - 1]!;
        const before = entries.length > 1 ? entries[entries.length - 2]!.lastOffset + 1 : baseOffset;
        if (previous.baseOffset < checkCrcFrom && header.baseOffset >= before && crcHolds(reader, position, header)) {
          entries.pop();
          maxSoFar = entries.length > 0 ? entries[entries.length - 1]!.maxTimestampSoFar : -1;
          skipped.push({
            position: previous.position,
            bytes: position - previous.position,
            reason: `offsets ${previous.baseOffset}-${previous.lastOffset} in its header do not fit between its neighbours`,
            fromOffset: before,
            resumesAt: header.baseOffset,
          });
          nextOffset = before;
          continue;
        }
      }
      if (problem !== null) {
        const recovering = nextOffset >= checkCrcFrom;
        const next = findNextBatch(reader, position + 1, fileBytes, nextOffset);
        const span: DamagedSpan = {
          position,
          bytes: (next ?? fileBytes) - position,
          reason: problem,
          fromOffset: nextOffset,
          resumesAt: next === null ? null : readBatchHeader(reader.read(next, BATCH_OVERHEAD), 0).baseOffset,
        };
        if (recovering) return { entries, skipped, stoppedAt: span, fileBytes };
        skipped.push(span);
        if (next === null) break;
        position = next;
        continue;
      }
      header = header!;
      let controlType = -1;
      if (isControl(header.attributes)) controlType = readControlType(reader.read(position, header.size)) ?? -1;
      maxSoFar = Math.max(maxSoFar, header.maxTimestamp);
      entries.push(entryOf(header, position, maxSoFar, controlType));
      nextOffset = header.baseOffset + header.lastOffsetDelta + 1;
      position += header.size;
    }
    return { entries, skipped, stoppedAt: null, fileBytes };
  } finally {
    closeSync(fd);
  }
}
