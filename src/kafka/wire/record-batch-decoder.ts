// The v2 record batch format (Kafka's DefaultRecordBatch), read for the Fetch response
// decoder (fetch-response-decoder.ts): a batch's records straight into the runtime's
// records, keys and values left in the response (fetched-record.ts), control batches and
// aborted transactions' batches left out, compressed batches opened here
// (src/bytes/compression.ts: gzip, snappy, lz4, and zstd where Node has it).
//
// A batch whose payload does not decompress or whose records do not parse cannot be read
// by any consumer. With `markUndecodable`, it becomes one UndecodableBatch entry at its last
// offset carrying its bytes, for the application to dead-letter and move past (Kafka's Java
// consumer would fail every poll at that offset, and kafkajs retries the fetch forever);
// without it, the response is left to kafkajs, which fails as it always did. A data batch
// whose CRC-32C does not match its bytes is such a batch too (Kafka's consumer checks it,
// check.crcs=true; kafkajs does not, and would hand out damaged keys and values).
//
// Layout (RecordBatch v2, big-endian):
//   batch: base_offset i64, length i32, leader_epoch i32, magic i8, crc u32, attributes i16,
//     last_offset_delta i32, first_ts i64, max_ts i64, producer_id i64, producer_epoch i16,
//     base_sequence i32, count i32, records
//   record: length varint, attributes i8, ts_delta varlong, offset_delta varint,
//     key varbytes, value varbytes, [header key varstr, value varbytes]
import { ByteReader } from "../../bytes/byte-reader.js";
import { decompress } from "../../bytes/compression.js";
import { crc32c } from "../../bytes/crc32c.js";
import { FetchedRecord } from "./fetched-record.js";
import type { ConsumedRecord, KafkaHeader, KafkaHeaders } from "../types.js";

const BATCH_HEADER = 61;
/** Where a batch's CRC-32C coverage starts: its attributes, after offset, length, epoch, magic and the CRC. */
const CRC_FROM = 21;
const ATTR_COMPRESSION = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;
/**
 * The most one batch may decompress to. A broker bounds a batch's compressed size only
 * (Apache Kafka) or its decompressed size by max.message.bytes (the embedded broker); past
 * this the batch is treated as undecodable rather than allowed to exhaust the heap.
 */
export const MAX_DECOMPRESSED_BATCH_BYTES = 64 * 1024 * 1024;

/**
 * Where a batch of control records or of aborted data was left out, for a consumer
 * that must move its position past it (kafkajs resolves offsets from the records it
 * is given, and would otherwise fetch the same markers forever).
 */
export interface SkippedBatch {
  readonly offset: number;
  readonly isControlRecord: true;
}

/** Where a partition's batches are decoded to. */
export interface BatchTarget {
  readonly topic: string;
  readonly partition: number;
  /** Committed data records at or after the fetch offset (with `markSkipped`, SkippedBatch entries among them). */
  records: ConsumedRecord[];
  /** Past the last complete batch read (markers and aborted batches count), or the fetch offset. */
  nextOffset: number;
}

/**
 * Moves `out.nextOffset` past the complete batches between `c.offset` and `c.end`, reading
 * their headers only; false when one is not in the v2 format (the response is left to kafkajs).
 */
export function scanBatches(c: ByteReader, out: BatchTarget): boolean {
  const scan = new ByteReader(c.buffer, c.offset, c.end, "record batches");
  while (scan.end - scan.offset >= BATCH_HEADER) {
    const start = scan.offset;
    const baseOffset = scan.int64();
    const length = scan.int32();
    if (start + 12 + length > scan.end) break;
    if (length < BATCH_HEADER - 12) return false;
    scan.int32(); // partition leader epoch
    if (scan.int8() !== 2) return false;
    scan.skip(6); // crc, attributes
    out.nextOffset = Math.max(out.nextOffset, baseOffset + scan.int32() + 1);
    scan.offset = start + 12 + length;
  }
  return true;
}

/** Where a walk through one partition's batches, in offset order, has got to. */
export interface BatchWalk {
  /** The aborted transactions of the partition, by first offset, not yet reached. */
  aborted: Array<{ producerId: number; firstOffset: number }>;
  /** Producers whose transaction is aborted at the current position. */
  abortedProducers: Set<number>;
  options: { markSkipped?: boolean; markUndecodable?: boolean };
  /** Why the last "unsupported" batch could not be read, when its records were the reason. */
  problem?: { baseOffset: number; lastOffset: number; reason: string };
}

/**
 * Decodes the batch at `c.offset` into `out` and moves past it: "end" when no complete
 * batch is left, "unsupported" when it needs kafkajs (the response is left to it).
 */
export function decodeBatch(
  c: ByteReader,
  out: BatchTarget,
  fetchOffset: number,
  walk: BatchWalk,
): "decoded" | "end" | "unsupported" {
  const { aborted, abortedProducers, options } = walk;
  const markSkipped = options.markSkipped === true;
  const end = c.end;
  if (end - c.offset < BATCH_HEADER) return "end";
  const start = c.offset;
  const baseOffset = c.int64();
  const length = c.int32();
  // The response may end with a partial batch (maxBytes reached): leave it for the next fetch.
  if (start + 12 + length > end) return "end";
  if (length < BATCH_HEADER - 12) return "unsupported";
  const next = start + 12 + length;
  c.end = next;
  c.int32(); // partition leader epoch
  const magic = c.int8();
  if (magic !== 2) return "unsupported";
  const crc = c.int32() >>> 0;
  const attributes = c.int16();
  const lastOffsetDelta = c.int32();
  const firstTimestamp = c.int64();
  const maxTimestamp = c.int64();
  const producerId = c.int64();
  c.skip(6); // producer epoch, base sequence
  const count = c.int32();
  const batchEnd = baseOffset + lastOffsetDelta + 1;
  if (batchEnd <= fetchOffset) {
    c.offset = next;
    c.end = end;
    return "decoded";
  }
  while (aborted.length > 0 && (aborted[0]?.firstOffset ?? Infinity) < batchEnd) {
    const txn = aborted.shift();
    if (txn) abortedProducers.add(txn.producerId);
  }
  const control = (attributes & ATTR_CONTROL) !== 0;
  const transactional = (attributes & ATTR_TRANSACTIONAL) !== 0;
  if (control) {
    // One marker record: key = version i16, type i16 (0 abort, 1 commit).
    c.varint(); // length
    c.int8();
    c.varlong();
    c.varint();
    const key = c.varbytes();
    if (key !== null && key.length >= 4 && key.readInt16BE(2) === 0) abortedProducers.delete(producerId);
    if (markSkipped) out.records.push(skipped(batchEnd - 1));
  } else if (transactional && abortedProducers.has(producerId)) {
    if (markSkipped) {
      // Where the left-out records start too, so that a consumer sees that nothing to
      // process lies between its position and the end of the batch.
      const first = Math.max(baseOffset, fetchOffset);
      if (first < batchEnd - 1) out.records.push(skipped(first));
      out.records.push(skipped(batchEnd - 1));
    }
  } else {
    const kept = out.records.length;
    const computed = crc32c(c.buffer, start + CRC_FROM, next);
    const problem =
      computed !== crc
        ? `its CRC-32C is ${hex(computed)} where the batch says ${hex(crc)}: it was damaged after it was written`
        : decodeRecords(c, out, {
            baseOffset,
            count,
            fetchOffset,
            compression: attributes & ATTR_COMPRESSION,
            timestamp: (attributes & ATTR_LOG_APPEND_TIME) !== 0 ? maxTimestamp : undefined,
            firstTimestamp,
          });
    if (problem !== undefined) {
      if (options.markUndecodable !== true) {
        walk.problem = { baseOffset, lastOffset: batchEnd - 1, reason: problem };
        return "unsupported";
      }
      out.records.length = kept;
      out.records.push(
        undecodable(out, c.buffer.subarray(start, next), {
          baseOffset,
          lastOffset: batchEnd - 1,
          timestamp: firstTimestamp,
          reason: problem,
        }),
      );
    }
  }
  out.nextOffset = Math.max(out.nextOffset, batchEnd);
  c.offset = next;
  c.end = end;
  return "decoded";
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

interface BatchFacts {
  baseOffset: number;
  count: number;
  fetchOffset: number;
  compression: number;
  /** The batch's max timestamp when the topic stamps log-append time, else undefined. */
  timestamp: number | undefined;
  firstTimestamp: number;
}

/** Reads a data batch's records into `out`; what makes them unreadable, or undefined. */
function decodeRecords(c: ByteReader, out: BatchTarget, batch: BatchFacts): string | undefined {
  let r = c;
  if (batch.compression !== 0) {
    let inflated: Buffer | null;
    try {
      inflated = decompress(batch.compression, c.buffer.subarray(c.offset, c.end), MAX_DECOMPRESSED_BATCH_BYTES);
    } catch (error) {
      return `its ${CODECS[batch.compression] ?? `codec ${batch.compression}`} payload does not decompress: ${(error as Error).message}`;
    }
    if (inflated === null) return "it is zstd-compressed and this Node has no zstd (Node 22.15 or later has)";
    r = new ByteReader(inflated, 0, inflated.length, "compressed records");
  }
  try {
    for (let i = 0; i < batch.count; i += 1) {
      const recordLength = r.varint();
      const recordEnd = r.offset + recordLength;
      if (recordLength < 0 || recordEnd > r.end)
        return `its records do not parse: record ${i} claims ${recordLength} bytes past the batch`;
      r.int8(); // attributes
      const timestampDelta = r.varlong();
      const offset = batch.baseOffset + r.varint();
      // Key and value stay where they lie (fetched-record.ts): -1 is null, as any negative length.
      const keyLength = Math.max(r.varint(), -1);
      const keyAt = r.offset;
      if (keyLength > 0) r.skip(keyLength);
      const valueLength = Math.max(r.varint(), -1);
      const valueAt = r.offset;
      if (valueLength > 0) r.skip(valueLength);
      const headerCount = r.varint();
      let headers: KafkaHeaders = EMPTY_HEADERS;
      if (headerCount > 0) {
        const list: KafkaHeader[] = [];
        for (let h = 0; h < headerCount; h += 1) {
          const name = r.string(r.varint());
          list.push({ key: name, value: r.varbytes() });
        }
        headers = list;
      }
      r.offset = recordEnd;
      if (offset < batch.fetchOffset) continue;
      out.records.push(
        new FetchedRecord(
          out.topic,
          out.partition,
          offset,
          batch.timestamp ?? batch.firstTimestamp + timestampDelta,
          r.buffer,
          keyAt,
          keyLength,
          valueAt,
          valueLength,
          headers,
        ),
      );
    }
  } catch (error) {
    return `its records do not parse: ${(error as Error).message}`;
  }
  return undefined;
}

const CODECS: Record<number, string> = { 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd" };

const EMPTY_HEADERS: KafkaHeaders = Object.freeze([]);

function undecodable(
  out: BatchTarget,
  bytes: Buffer,
  batch: { baseOffset: number; lastOffset: number; timestamp: number; reason: string },
): ConsumedRecord {
  return {
    topic: out.topic,
    partition: out.partition,
    // Its last offset, so that resolving it moves the consumer past the whole batch.
    offset: batch.lastOffset,
    timestamp: batch.timestamp,
    key: null,
    value: bytes,
    headers: EMPTY_HEADERS,
    undecodable: { baseOffset: batch.baseOffset, lastOffset: batch.lastOffset, reason: batch.reason },
  };
}

function skipped(offset: number): ConsumedRecord {
  const marker: SkippedBatch = { offset, isControlRecord: true };
  return marker as unknown as ConsumedRecord;
}
