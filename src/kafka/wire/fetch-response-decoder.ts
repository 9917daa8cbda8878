// A lean decoder of Fetch v11 responses for the restore and standby path. kafkajs'
// own decoder builds a Long, a Decoder and several strings per record, which caps a
// restore near a hundred thousand records a second; restore is a bulk load, so this
// one reads the v2 record batch format straight into the runtime's records, filters
// aborted transactions and control batches on the way, and slices keys and values
// out of the response buffer without copying. Compressed batches and the pre-v2
// message format are left to kafkajs (the caller falls back when `supported` is false).
//
// Layout (Kafka's FetchResponse v11 and RecordBatch v2, big-endian):
//   throttle_time_ms i32, error_code i16, session_id i32,
//   [topic str, [partition i32, error_code i16, high_watermark i64, last_stable_offset i64,
//     log_start_offset i64, [aborted: producer_id i64, first_offset i64] (nullable),
//     preferred_read_replica i32, records bytes (nullable)]]
//   batch: base_offset i64, length i32, leader_epoch i32, magic i8, crc u32, attributes i16,
//     last_offset_delta i32, first_ts i64, max_ts i64, producer_id i64, producer_epoch i16,
//     base_sequence i32, count i32, records
//   record: length varint, attributes i8, ts_delta varlong, offset_delta varint,
//     key varbytes, value varbytes, [header key varstr, value varbytes]
import { ByteReader } from "../../bytes/byte-reader.js";
import type { ConsumedRecord, KafkaHeader, KafkaHeaders } from "../types.js";

const BATCH_HEADER = 61;
const ATTR_COMPRESSION = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;

/**
 * Where a batch of control records or of aborted data was left out, for a consumer
 * that must move its position past it (kafkajs resolves offsets from the records it
 * is given, and would otherwise fetch the same markers forever).
 */
export interface SkippedBatch {
  readonly offset: number;
  readonly isControlRecord: true;
}

export interface DecodedFetchPartition {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** Committed data records at or after the fetch offset (with `markSkipped`, SkippedBatch entries among them). */
  records: ConsumedRecord[];
  /** Past the last complete batch returned (markers and aborted batches count), or the fetch offset. */
  nextOffset: number;
}

export interface DecodedFetchResponse {
  errorCode: number;
  /** False when a batch needs what this decoder does not do (compression, old formats). */
  supported: boolean;
  partitions: DecodedFetchPartition[];
}

/**
 * Decodes one Fetch v11 response payload (after the correlation id). `fetchOffsets`
 * maps "topic|partition" to the offset asked for: records before it (a batch may start
 * earlier) are skipped.
 */
export function decodeFetchResponseV11(
  payload: Buffer,
  fetchOffsets: ReadonlyMap<string, number>,
  options: { markSkipped?: boolean } = {},
): DecodedFetchResponse {
  const c = new ByteReader(payload, 0, payload.length, "Fetch response");
  c.int32(); // throttle_time_ms
  const errorCode = c.int16();
  c.int32(); // session_id
  const partitions: DecodedFetchPartition[] = [];
  let supported = true;
  const topics = c.int32();
  for (let t = 0; t < topics; t += 1) {
    const topic = c.string(c.int16());
    const count = c.int32();
    for (let p = 0; p < count; p += 1) {
      const partition = c.int32();
      const partitionError = c.int16();
      const highWatermark = c.int64();
      const lastStableOffset = c.int64();
      const logStartOffset = c.int64();
      const abortedCount = c.int32();
      const aborted: Array<{ producerId: number; firstOffset: number }> = [];
      for (let a = 0; a < abortedCount; a += 1) aborted.push({ producerId: c.int64(), firstOffset: c.int64() });
      c.int32(); // preferred_read_replica
      const size = c.int32();
      const fetchOffset = fetchOffsets.get(`${topic}|${partition}`) ?? 0;
      const decoded: DecodedFetchPartition = {
        topic,
        partition,
        errorCode: partitionError,
        highWatermark,
        lastStableOffset,
        logStartOffset,
        records: [],
        nextOffset: fetchOffset,
      };
      if (size > 0) {
        const records = new ByteReader(payload, c.offset, c.offset + size, "record batches");
        c.skip(size);
        if (!decodeBatches(records, decoded, fetchOffset, aborted, options.markSkipped === true)) supported = false;
      }
      partitions.push(decoded);
    }
  }
  return { errorCode, supported, partitions };
}

/** Decodes the batches between `c.offset` and `c.end`; false when one needs kafkajs (see `supported`). */
function decodeBatches(
  c: ByteReader,
  out: DecodedFetchPartition,
  fetchOffset: number,
  abortedTransactions: Array<{ producerId: number; firstOffset: number }>,
  markSkipped: boolean,
): boolean {
  const aborted = abortedTransactions.sort((a, b) => a.firstOffset - b.firstOffset);
  const abortedProducers = new Set<number>();
  const end = c.end;
  while (end - c.offset >= BATCH_HEADER) {
    const start = c.offset;
    const baseOffset = c.int64();
    const length = c.int32();
    // The response may end with a partial batch (maxBytes reached): leave it for the next fetch.
    if (start + 12 + length > end) break;
    const next = start + 12 + length;
    c.end = next;
    c.int32(); // partition leader epoch
    const magic = c.int8();
    if (magic !== 2) return false;
    c.skip(4); // crc
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
      continue;
    }
    if ((attributes & ATTR_COMPRESSION) !== 0) return false;
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
      const logAppendTime = (attributes & ATTR_LOG_APPEND_TIME) !== 0;
      for (let i = 0; i < count; i += 1) {
        const recordLength = c.varint();
        const recordEnd = c.offset + recordLength;
        c.int8(); // attributes
        const timestampDelta = c.varlong();
        const offset = baseOffset + c.varint();
        const key = c.varbytes();
        const value = c.varbytes();
        const headerCount = c.varint();
        let headers: KafkaHeaders = EMPTY_HEADERS;
        if (headerCount > 0) {
          const list: KafkaHeader[] = [];
          for (let h = 0; h < headerCount; h += 1) {
            const name = c.string(c.varint());
            list.push({ key: name, value: c.varbytes() });
          }
          headers = list;
        }
        c.offset = recordEnd;
        if (offset < fetchOffset) continue;
        out.records.push({
          topic: out.topic,
          partition: out.partition,
          offset,
          timestamp: logAppendTime ? maxTimestamp : firstTimestamp + timestampDelta,
          key,
          value,
          headers,
        });
      }
    }
    out.nextOffset = Math.max(out.nextOffset, batchEnd);
    c.offset = next;
    c.end = end;
  }
  return true;
}

const EMPTY_HEADERS: KafkaHeaders = Object.freeze([]);

function skipped(offset: number): ConsumedRecord {
  const marker: SkippedBatch = { offset, isControlRecord: true };
  return marker as unknown as ConsumedRecord;
}
