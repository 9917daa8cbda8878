// The read paths of a partition's log: whole batches for Fetch (up to a bound and a size,
// KIP-74's first batch whatever its size), and ListOffsets' lookups by timestamp.
import { decodeRecords, isControl } from "../protocol/record-batch.js";
import { storedDecompressionLimit, type LogConfig } from "./log-config.js";
import type { BatchEntry, LogSegment } from "./log-segment.js";

export interface ReadResult {
  /** Whole batches, back to back. */
  records: Buffer[];
  bytes: number;
  /** The offset after the last batch returned (the fetch offset when nothing was). */
  nextOffset: number;
}

export interface TimestampLookup {
  offset: number;
  timestamp: number;
}

/** Index of the segment that holds `offset` (the last one starting at or before it). */
export function segmentIndexFor(segments: readonly LogSegment[], offset: number): number {
  let low = 0;
  let high = segments.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (segments[mid]!.baseOffset <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * Whole batches from the one holding `offset` on, stopping before `upperBound` (the high
 * watermark, or the LSO for read_committed) and before `maxBytes` would be exceeded, except
 * that with `minOneBatch` the first batch is returned whatever its size, so a consumer can
 * always make progress (KIP-74).
 */
export function readBatches(
  segments: readonly LogSegment[],
  offset: number,
  upperBound: number,
  maxBytes: number,
  minOneBatch: boolean,
): ReadResult {
  const records: Buffer[] = [];
  let bytes = 0;
  let nextOffset = offset;
  if (offset >= upperBound) return { records, bytes, nextOffset };
  for (let s = segmentIndexFor(segments, offset); s < segments.length; s++) {
    const segment = segments[s]!;
    const from = segment.indexOfOffset(offset);
    let to = from;
    let stop = false;
    while (to < segment.entries.length) {
      const entry = segment.entries[to]!;
      if (entry.baseOffset >= upperBound) {
        stop = true;
        break;
      }
      if (bytes + entry.size > maxBytes && !(minOneBatch && bytes === 0)) {
        stop = true;
        break;
      }
      bytes += entry.size;
      nextOffset = entry.lastOffset + 1;
      to += 1;
    }
    for (const part of segment.read(from, to)) records.push(part);
    if (stop) break;
  }
  return { records, bytes, nextOffset };
}

/** The first offset whose timestamp is >= timestamp, with that timestamp (ListOffsets). */
export function offsetForTimestamp(
  segments: readonly LogSegment[],
  startOffset: number,
  config: LogConfig,
  timestamp: number,
): TimestampLookup | null {
  for (const segment of segments) {
    if (segment.maxTimestamp < timestamp || segment.nextOffset <= startOffset) continue;
    for (let i = segment.indexOfTimestamp(timestamp); i < segment.entries.length; i++) {
      const entry = segment.entries[i]!;
      if (entry.lastOffset < startOffset || entry.maxTimestamp < timestamp || isControl(entry.attributes)) continue;
      const found = findInBatch(segment, i, entry, timestamp, startOffset, config);
      if (found) return found;
    }
  }
  return null;
}

/**
 * ListOffsets' MAX_TIMESTAMP (KIP-734): the first record holding the log's highest timestamp,
 * control batches included, as Kafka's UnifiedLog finds it (the first segment with the highest
 * maxTimestampSoFar, its first batch with that max timestamp, that batch's first record with it).
 */
export function offsetOfMaxTimestamp(
  segments: readonly LogSegment[],
  startOffset: number,
  config: LogConfig,
): TimestampLookup | null {
  let best: LogSegment | undefined;
  for (const segment of segments) {
    if (segment.nextOffset <= startOffset || segment.isEmpty) continue;
    if (best === undefined || segment.maxTimestamp > best.maxTimestamp) best = segment;
  }
  if (best === undefined) return null;
  const max = best.maxTimestamp;
  const index = best.entries.findIndex((entry) => entry.maxTimestamp === max);
  if (index < 0) return null;
  const found = findInBatch(best, index, best.entries[index]!, max, startOffset, config);
  return found && found.timestamp === max ? found : { offset: best.entries[index]!.baseOffset, timestamp: max };
}

function findInBatch(
  segment: LogSegment,
  index: number,
  entry: BatchEntry,
  timestamp: number,
  startOffset: number,
  config: LogConfig,
): TimestampLookup | null {
  let records: ReturnType<typeof decodeRecords>;
  try {
    records = decodeRecords(segment.readBatch(index), storedDecompressionLimit(config));
  } catch {
    // A payload that does not decompress, or over the limit (stored before produce checked it).
    records = null;
  }
  if (records === null) {
    // zstd (Node cannot look inside) or undecodable: the batch's first offset is the closest answer.
    return { offset: Math.max(entry.baseOffset, startOffset), timestamp: entry.maxTimestamp };
  }
  for (const record of records) {
    if (record.offset >= startOffset && record.timestamp >= timestamp) {
      return { offset: record.offset, timestamp: record.timestamp };
    }
  }
  return null;
}
