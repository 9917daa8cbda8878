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
import { DecompressedTooLargeError, decompress } from "../../bytes/compression.js";
import { ByteReader } from "../../bytes/byte-reader.js";
import { ByteWriter, varintSize, varlongSize } from "../../bytes/byte-writer.js";
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
  const cursor = new ByteReader(bytes, 0, bytes.length, "record");
  for (let i = 0; i < header.recordCount; i++) {
    const length = cursor.varint();
    const end = cursor.offset + length;
    const attributes = cursor.uint8();
    const timestampDelta = cursor.varlong();
    const offsetDelta = cursor.varint();
    const restStart = cursor.offset;
    const key = cursor.varbytes();
    const valueLength = cursor.varint();
    spans.push({
      offset: header.baseOffset + offsetDelta,
      timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      key,
      tombstone: valueLength < 0,
      attributes,
      offsetDelta,
      rest: bytes.subarray(restStart, end),
    });
    cursor.offset = end;
  }
  for (let i = 0; i < spans.length; i++) {
    const delta = spans[i]!.offsetDelta;
    if (delta > header.lastOffsetDelta || (i > 0 && delta <= spans[i - 1]!.offsetDelta) || delta < 0) return null;
  }
  return spans;
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
    const body = 1 + varlongSize(deltas[i]!) + varintSize(record.offsetDelta) + record.rest.length;
    recordsSize += varintSize(body) + body;
    return body;
  });
  const recordWriter = ByteWriter.sized(recordsSize);
  kept.forEach((record, i) => {
    recordWriter.varint(bodySizes[i]!);
    recordWriter.uint8(record.attributes);
    recordWriter.varlong(deltas[i]!);
    recordWriter.varint(record.offsetDelta);
    recordWriter.bytes(record.rest);
  });
  let records = recordWriter.toBuffer();
  // gzip is written back as gzip; snappy and lz4 (which Node can read here but not write) are
  // written uncompressed, with the codec bits cleared: a batch's codec is its own business.
  const compression = compressionOf(header.attributes);
  let attributes = header.attributes;
  if (compression === Compression.GZIP) records = gzipSync(records);
  else attributes = (attributes & ~Attributes.COMPRESSION_MASK) | Compression.NONE;
  if (horizon !== null) attributes |= Attributes.DELETE_HORIZON;
  const batchWriter = ByteWriter.sized(BATCH_OVERHEAD + records.length);
  batchWriter.int64(header.baseOffset);
  batchWriter.int32(BATCH_OVERHEAD + records.length - LOG_OVERHEAD);
  batchWriter.int32(header.partitionLeaderEpoch);
  batchWriter.int8(2);
  const crc = batchWriter.reserveInt32();
  batchWriter.int16(attributes);
  batchWriter.int32(kept[kept.length - 1]!.offsetDelta);
  batchWriter.int64(baseTimestamp);
  batchWriter.int64(maxTimestamp);
  batchWriter.int64(header.producerId);
  batchWriter.int16(header.producerEpoch);
  batchWriter.int32(header.baseSequence);
  batchWriter.int32(kept.length);
  batchWriter.bytes(records);
  const batch = batchWriter.toBuffer();
  batch.writeUInt32BE(crc32c(batch, 21, batch.length), crc.offset);
  return batch;
}

/** The batch's delete horizon (KIP-534), or null when it has none. */
export function deleteHorizonOf(header: BatchHeader): number | null {
  return (header.attributes & Attributes.DELETE_HORIZON) !== 0 ? header.baseTimestamp : null;
}
