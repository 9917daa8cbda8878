// Rewriting a record batch with fewer records, as Kafka's log cleaner does
// (MemoryRecords.filterTo): the batch keeps its base offset, producer id, epoch, base
// sequence and attributes, so offsets and producer state stay what they were; the records
// kept keep their offsets and timestamps; lastOffsetDelta, the record count, the timestamps
// and the CRC are recomputed. A batch may get a delete horizon (KIP-534): attribute bit 0x40
// with the horizon in the base timestamp field, the records' timestamp deltas then relative
// to it (negative), so every client still reads the records' own timestamps.
//
// A record is kept as its bytes: only its timestamp delta is re-encoded when the base
// timestamp moves; key, value and headers are copied.
import { gzipSync } from "node:zlib";
import { DecompressedTooLargeError, decompress } from "./compression.js";
import { crc32c } from "../../bytes/crc32c.js";
import {
  Attributes,
  BATCH_OVERHEAD,
  Compression,
  LOG_OVERHEAD,
  compressionOf,
  type BatchHeader,
} from "./record-batch.js";

/** One record of a batch, located in the (decompressed) record bytes. */
export interface RecordSpan {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  /** Whether the value is null (a tombstone). */
  tombstone: boolean;
  /** The record's attributes byte. */
  attributes: number;
  offsetDelta: number;
  /** Bytes from the key length to the end of the record (key, value, headers). */
  rest: Buffer;
}

function readVarint(buffer: Buffer, cursor: { at: number }): number {
  let raw = 0;
  let multiplier = 1;
  for (let i = 0; i < 10; i++) {
    if (cursor.at >= buffer.length) throw new RangeError("record runs past its batch");
    const b = buffer[cursor.at++]!;
    raw += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    multiplier *= 128;
  }
  throw new RangeError("varint longer than 10 bytes");
}

function varintSize(value: number): number {
  let v = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    size += 1;
  }
  return size;
}

function writeVarint(buffer: Buffer, at: number, value: number): number {
  let v = value >= 0 ? value * 2 : -value * 2 - 1;
  while (v >= 128) {
    buffer[at++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buffer[at++] = v;
  return at;
}

/**
 * The records of a batch whose codec can be opened here, decompressed up to `maxBytes`; null
 * for a batch the cleaner leaves untouched: zstd without zlib support, a payload over the
 * limit, or inner offsets that do not increase within the batch's range (an uncompressed
 * batch Kafka accepted as it was: rewriting it could move its last offset).
 */
export function readRecordSpans(batch: Buffer, header: BatchHeader, maxBytes: number): RecordSpan[] | null {
  let bytes: Buffer | null;
  try {
    bytes = decompress(compressionOf(header.attributes), batch.subarray(BATCH_OVERHEAD, header.size), maxBytes);
  } catch (error) {
    if (error instanceof DecompressedTooLargeError) return null;
    throw error;
  }
  if (bytes === null) return null;
  const logAppendTime = (header.attributes & Attributes.TIMESTAMP_LOG_APPEND) !== 0;
  const spans: RecordSpan[] = [];
  const cursor = { at: 0 };
  for (let i = 0; i < header.recordCount; i++) {
    const length = readVarint(bytes, cursor);
    const end = cursor.at + length;
    const attributes = bytes[cursor.at++]!;
    const timestampDelta = readVarint(bytes, cursor);
    const offsetDelta = readVarint(bytes, cursor);
    const restStart = cursor.at;
    const keyLength = readVarint(bytes, cursor);
    const key = keyLength < 0 ? null : bytes.subarray(cursor.at, cursor.at + keyLength);
    if (keyLength > 0) cursor.at += keyLength;
    const valueLength = readVarint(bytes, cursor);
    spans.push({
      offset: header.baseOffset + offsetDelta,
      timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      key,
      tombstone: valueLength < 0,
      attributes,
      offsetDelta,
      rest: bytes.subarray(restStart, end),
    });
    cursor.at = end;
  }
  for (let i = 0; i < spans.length; i++) {
    const delta = spans[i]!.offsetDelta;
    if (delta > header.lastOffsetDelta || (i > 0 && delta <= spans[i - 1]!.offsetDelta) || delta < 0) return null;
  }
  return spans;
}

const TWO_POW_32 = 4294967296;

function writeInt64(buffer: Buffer, at: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  buffer.writeInt32BE(high, at);
  buffer.writeUInt32BE(value - high * TWO_POW_32, at + 4);
}

/**
 * A copy of `header`'s batch holding only `kept` (a non-empty subset of its records, in
 * order), with the delete horizon set when given. The base offset is left for the log to
 * stamp as it is (the bytes carry the original one).
 */
export function rewriteBatch(header: BatchHeader, kept: readonly RecordSpan[], deleteHorizonMs: number | null): Buffer {
  const logAppendTime = (header.attributes & Attributes.TIMESTAMP_LOG_APPEND) !== 0;
  const horizon =
    deleteHorizonMs ?? ((header.attributes & Attributes.DELETE_HORIZON) !== 0 ? header.baseTimestamp : null);
  const baseTimestamp = horizon ?? (logAppendTime ? header.baseTimestamp : kept[0]!.timestamp);
  let maxTimestamp = header.maxTimestamp;
  if (!logAppendTime) {
    maxTimestamp = -1;
    for (const record of kept) maxTimestamp = Math.max(maxTimestamp, record.timestamp);
  }
  const deltas = kept.map((record) => (logAppendTime ? 0 : record.timestamp - baseTimestamp));
  let recordsSize = 0;
  const bodySizes = kept.map((record, i) => {
    const body = 1 + varintSize(deltas[i]!) + varintSize(record.offsetDelta) + record.rest.length;
    recordsSize += varintSize(body) + body;
    return body;
  });
  let records = Buffer.allocUnsafe(recordsSize);
  let at = 0;
  kept.forEach((record, i) => {
    at = writeVarint(records, at, bodySizes[i]!);
    records[at++] = record.attributes;
    at = writeVarint(records, at, deltas[i]!);
    at = writeVarint(records, at, record.offsetDelta);
    at += record.rest.copy(records, at);
  });
  // gzip is written back as gzip; snappy and lz4 (which Node can read here but not write) are
  // written uncompressed, with the codec bits cleared: a batch's codec is its own business.
  const compression = compressionOf(header.attributes);
  let attributes = header.attributes;
  if (compression === Compression.GZIP) records = gzipSync(records);
  else attributes = (attributes & ~Attributes.COMPRESSION_MASK) | Compression.NONE;
  const batch = Buffer.allocUnsafe(BATCH_OVERHEAD + records.length);
  writeInt64(batch, 0, header.baseOffset);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, 8);
  batch.writeInt32BE(header.partitionLeaderEpoch, 12);
  batch.writeInt8(2, 16);
  if (horizon !== null) attributes |= Attributes.DELETE_HORIZON;
  batch.writeInt16BE(attributes, 21);
  batch.writeInt32BE(kept[kept.length - 1]!.offsetDelta, 23);
  writeInt64(batch, 27, baseTimestamp);
  writeInt64(batch, 35, maxTimestamp);
  writeInt64(batch, 43, header.producerId);
  batch.writeInt16BE(header.producerEpoch, 51);
  batch.writeInt32BE(header.baseSequence, 53);
  batch.writeInt32BE(kept.length, 57);
  records.copy(batch, BATCH_OVERHEAD);
  batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
  return batch;
}

/** The batch's delete horizon (KIP-534), or null when it has none. */
export function deleteHorizonOf(header: BatchHeader): number | null {
  return (header.attributes & Attributes.DELETE_HORIZON) !== 0 ? header.baseTimestamp : null;
}
