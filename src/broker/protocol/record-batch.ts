// Record batch v2 (magic 2), the only log format this broker stores. A batch is kept
// exactly as the producer sent it except for the fields Kafka's broker owns: the base
// offset and the partition leader epoch (both outside the CRC) and, for topics with
// message.timestamp.type=LogAppendTime, the timestamp type and max timestamp (the CRC is
// then recomputed, as Kafka does).
//
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 |
//   crc uint32 | attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 |
//   maxTimestamp int64 | producerId int64 | producerEpoch int16 | baseSequence int32 |
//   records: int32 count, then the records (compressed as a whole if attributes say so)
import { constants } from "node:buffer";
import { decompress } from "../../bytes/compression.js";
import { ByteReader } from "../../bytes/byte-reader.js";
import { crc32c } from "../../bytes/crc32c.js";

export const BATCH_OVERHEAD = 61;
/** Bytes before the batchLength counts: baseOffset + batchLength itself. */
export const LOG_OVERHEAD = 12;

const OFFSET_BATCH_LENGTH = 8;
const OFFSET_LEADER_EPOCH = 12;
const OFFSET_MAGIC = 16;
const OFFSET_CRC = 17;
const OFFSET_ATTRIBUTES = 21;
const OFFSET_LAST_OFFSET_DELTA = 23;
const OFFSET_BASE_TIMESTAMP = 27;
const OFFSET_MAX_TIMESTAMP = 35;
const OFFSET_PRODUCER_ID = 43;
const OFFSET_PRODUCER_EPOCH = 51;
const OFFSET_BASE_SEQUENCE = 53;
const OFFSET_RECORD_COUNT = 57;

export const Attributes = {
  COMPRESSION_MASK: 0x07,
  TIMESTAMP_LOG_APPEND: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
  DELETE_HORIZON: 0x40,
} as const;

export const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;

const TWO_POW_32 = 4294967296;

function readInt64(buffer: Buffer, at: number): number {
  return buffer.readInt32BE(at) * TWO_POW_32 + buffer.readUInt32BE(at + 4);
}

function writeInt64(buffer: Buffer, at: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  buffer.writeInt32BE(high, at);
  buffer.writeUInt32BE(value - high * TWO_POW_32, at + 4);
}

/** The header fields of one batch, as stored in the log's batch index. */
export interface BatchHeader {
  baseOffset: number;
  /** Total bytes of the batch, LOG_OVERHEAD included. */
  size: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Reads the header of the batch starting at `at`; the caller checked that 61 bytes exist. */
export function readBatchHeader(buffer: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: readInt64(buffer, at),
    size: buffer.readInt32BE(at + OFFSET_BATCH_LENGTH) + LOG_OVERHEAD,
    partitionLeaderEpoch: buffer.readInt32BE(at + OFFSET_LEADER_EPOCH),
    magic: buffer.readInt8(at + OFFSET_MAGIC),
    crc: buffer.readUInt32BE(at + OFFSET_CRC),
    attributes: buffer.readInt16BE(at + OFFSET_ATTRIBUTES),
    lastOffsetDelta: buffer.readInt32BE(at + OFFSET_LAST_OFFSET_DELTA),
    baseTimestamp: readInt64(buffer, at + OFFSET_BASE_TIMESTAMP),
    maxTimestamp: readInt64(buffer, at + OFFSET_MAX_TIMESTAMP),
    producerId: readInt64(buffer, at + OFFSET_PRODUCER_ID),
    producerEpoch: buffer.readInt16BE(at + OFFSET_PRODUCER_EPOCH),
    baseSequence: buffer.readInt32BE(at + OFFSET_BASE_SEQUENCE),
    recordCount: buffer.readInt32BE(at + OFFSET_RECORD_COUNT),
  };
}

export function compressionOf(attributes: number): number {
  return attributes & Attributes.COMPRESSION_MASK;
}

export function isTransactional(attributes: number): boolean {
  return (attributes & Attributes.TRANSACTIONAL) !== 0;
}

export function isControl(attributes: number): boolean {
  return (attributes & Attributes.CONTROL) !== 0;
}

export function isLogAppendTime(attributes: number): boolean {
  return (attributes & Attributes.TIMESTAMP_LOG_APPEND) !== 0;
}

/** Writes the broker-owned fields outside the CRC: base offset and leader epoch. */
export function stampBatch(batch: Buffer, baseOffset: number, leaderEpoch: number): void {
  writeInt64(batch, 0, baseOffset);
  batch.writeInt32BE(leaderEpoch, OFFSET_LEADER_EPOCH);
}

/** LogAppendTime topics: the broker's clock replaces the producer's timestamps (CRC recomputed). */
export function setLogAppendTime(batch: Buffer, timestamp: number): void {
  const attributes = batch.readInt16BE(OFFSET_ATTRIBUTES) | Attributes.TIMESTAMP_LOG_APPEND;
  batch.writeInt16BE(attributes, OFFSET_ATTRIBUTES);
  writeInt64(batch, OFFSET_MAX_TIMESTAMP, timestamp);
  batch.writeUInt32BE(crc32c(batch, OFFSET_ATTRIBUTES, batch.length), OFFSET_CRC);
}

export function computeCrc(batch: Buffer): number {
  return crc32c(batch, OFFSET_ATTRIBUTES, batch.length);
}

// ---- records inside a batch ----

/** One record, decoded (for timestamp lookups and by tests; produce validation walks records without decoding them). */
export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

/**
 * The record bytes of a batch, decompressed up to `maxBytes` (compression.ts); null when its
 * codec cannot be opened here (zstd without zlib support): callers keep such batches unopened.
 */
export function recordBytes(batch: Buffer, maxBytes = constants.MAX_LENGTH): Buffer | null {
  return decompress(compressionOf(batch.readInt16BE(OFFSET_ATTRIBUTES)), batch.subarray(BATCH_OVERHEAD), maxBytes);
}

/** Decodes the records of one batch; null when its codec is not available (see recordBytes). */
export function decodeRecords(batch: Buffer, maxBytes = constants.MAX_LENGTH): DecodedRecord[] | null {
  const header = readBatchHeader(batch);
  const bytes = recordBytes(batch, maxBytes);
  if (bytes === null) return null;
  const logAppendTime = isLogAppendTime(header.attributes);
  const records: DecodedRecord[] = [];
  const cursor = new ByteReader(bytes, 0, bytes.length, "record");
  for (let i = 0; i < header.recordCount; i++) {
    cursor.end = bytes.length;
    const length = cursor.varint();
    const end = cursor.offset + length;
    cursor.end = end;
    cursor.skip(1);
    const timestampDelta = cursor.varlong();
    const offsetDelta = cursor.varint();
    const key = cursor.varbytes();
    const value = cursor.varbytes();
    const headerCount = cursor.varint();
    const headers: DecodedRecord["headers"] = [];
    for (let h = 0; h < headerCount; h++) {
      const headerKey = cursor.varbytes();
      headers.push({ key: headerKey ? headerKey.toString("utf8") : "", value: cursor.varbytes() });
    }
    records.push({
      offset: header.baseOffset + offsetDelta,
      timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    });
    cursor.offset = end;
  }
  return records;
}
