// Checks a partition's records from a Produce request before anything is appended, as
// Kafka's LogValidator does: exactly one v2 batch, its length, CRC, offset range and record
// count consistent, no control batch from a client, size within max.message.bytes,
// CreateTime timestamps within message.timestamp.before/after.max.ms, a sequence on every
// batch with a producer id, for uncompressed batches records that tile the batch exactly,
// and on compacted topics a key on every record (INVALID_RECORD otherwise). Compressed
// batches are stored as the producer sent them (the broker never recompresses); their
// timestamps are checked through the batch's first and max timestamps, and their keys for
// gzip, snappy and lz4 (protocol/compression.ts); zstd cannot be decoded in Node 20, so zstd
// batches reach a compacted topic unchecked.
import { ErrorCode } from "../protocol/error-codes.js";
import {
  BATCH_OVERHEAD,
  Compression,
  LOG_OVERHEAD,
  checkRecords,
  compressionOf,
  firstRecordWithoutKey,
  recordBytes,
  computeCrc,
  isControl,
  readBatchHeader,
  type BatchHeader,
} from "../protocol/record-batch.js";
import type { LogConfig } from "./log-config.js";

export type ValidationResult = { ok: true; header: BatchHeader } | { ok: false; errorCode: ErrorCode; message: string };

function reject(errorCode: ErrorCode, message: string): ValidationResult {
  return { ok: false, errorCode, message };
}

export function validateProducedBatch(
  records: Buffer | null,
  config: LogConfig,
  produceVersion: number,
  now: number,
): ValidationResult {
  if (records === null || records.length === 0) {
    return reject(ErrorCode.INVALID_RECORD, "produce requests must have at least one record batch per partition");
  }
  if (records.length < BATCH_OVERHEAD) {
    return reject(ErrorCode.CORRUPT_MESSAGE, `record batch of ${records.length} bytes is shorter than its header`);
  }
  const magic = records.readInt8(16);
  if (magic !== 2) {
    return reject(
      ErrorCode.INVALID_RECORD,
      `produce v${produceVersion} requires record batches with magic 2, got magic ${magic}`,
    );
  }
  const header = readBatchHeader(records, 0);
  if (header.size < BATCH_OVERHEAD || header.size > records.length) {
    return reject(
      ErrorCode.CORRUPT_MESSAGE,
      `record batch length ${header.size - LOG_OVERHEAD} does not match the ${records.length} bytes sent`,
    );
  }
  if (header.size < records.length) {
    return reject(ErrorCode.INVALID_RECORD, `produce v${produceVersion} allows exactly one record batch per partition`);
  }
  if (header.size > config.maxMessageBytes) {
    return reject(
      ErrorCode.MESSAGE_TOO_LARGE,
      `record batch of ${header.size} bytes exceeds max.message.bytes ${config.maxMessageBytes}`,
    );
  }
  if (computeCrc(records) !== header.crc) {
    return reject(ErrorCode.CORRUPT_MESSAGE, "record batch CRC does not match its contents");
  }
  if (isControl(header.attributes)) {
    return reject(ErrorCode.INVALID_RECORD, "clients are not allowed to write control records");
  }
  if (header.producerId >= 0 && header.baseSequence < 0) {
    return reject(
      ErrorCode.INVALID_RECORD,
      `invalid sequence number ${header.baseSequence} in a batch of producer ${header.producerId}`,
    );
  }
  if (header.recordCount <= 0 || header.lastOffsetDelta + 1 !== header.recordCount) {
    return reject(
      ErrorCode.INVALID_RECORD,
      `record batch reports ${header.recordCount} records but an offset range of ${header.lastOffsetDelta + 1}`,
    );
  }
  if (config.messageTimestampType === "CreateTime") {
    for (const timestamp of [header.baseTimestamp, header.maxTimestamp]) {
      if (
        timestamp >= 0 &&
        (now - timestamp > config.messageTimestampBeforeMaxMs || timestamp - now > config.messageTimestampAfterMaxMs)
      ) {
        return reject(
          ErrorCode.INVALID_TIMESTAMP,
          `timestamp ${timestamp} is out of range: at most ${config.messageTimestampBeforeMaxMs} ms before and ${config.messageTimestampAfterMaxMs} ms after the broker's time ${now}`,
        );
      }
    }
  }
  const compression = compressionOf(header.attributes);
  if (compression > Compression.ZSTD) {
    return reject(ErrorCode.CORRUPT_MESSAGE, `unknown compression codec ${compression}`);
  }
  if (compression === Compression.ZSTD && produceVersion < 7) {
    return reject(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, "zstd batches require produce v7 or later");
  }
  if (compression === Compression.NONE) {
    const problem = checkRecords(records, BATCH_OVERHEAD, header.recordCount);
    if (problem !== null) return reject(ErrorCode.CORRUPT_MESSAGE, `malformed record batch: ${problem}`);
  }
  if (config.cleanupPolicy.compact && compression <= Compression.LZ4) {
    let bytes: Buffer | null;
    try {
      bytes = recordBytes(records);
    } catch {
      return reject(ErrorCode.CORRUPT_MESSAGE, "compressed record batch does not decompress");
    }
    if (bytes !== null) {
      if (compression !== Compression.NONE) {
        const problem = checkRecords(bytes, 0, header.recordCount);
        if (problem !== null) return reject(ErrorCode.CORRUPT_MESSAGE, `malformed record batch: ${problem}`);
      }
      const keyless = firstRecordWithoutKey(bytes, 0, header.recordCount);
      if (keyless >= 0) return reject(ErrorCode.INVALID_RECORD, "Compacted topic cannot accept message without key");
    }
  }
  return { ok: true, header };
}
