// A lean decoder of Fetch v11 responses for the application's consumer and the restore
// and standby path. kafkajs' own decoder builds a Long, a Decoder and several strings per
// record, which caps a restore near a hundred thousand records a second; this one reads each
// partition's v2 record batches straight into the runtime's records (record-batch-decoder.ts:
// aborted transactions and control batches filtered on the way, compressed batches opened,
// an undecodable batch marked or left to kafkajs). The pre-v2 message format is left to
// kafkajs (the caller falls back when `supported` is false). With `lazy` (restore and
// standby reads), only batch headers are read up front and each partition's records are
// decoded as they are iterated, a batch at a time, so that a bulk load never holds an object
// per record across its awaits.
//
// Layout (Kafka's FetchResponse v11, big-endian):
//   throttle_time_ms i32, error_code i16, session_id i32,
//   [topic str, [partition i32, error_code i16, high_watermark i64, last_stable_offset i64,
//     log_start_offset i64, [aborted: producer_id i64, first_offset i64] (nullable),
//     preferred_read_replica i32, records bytes (nullable)]]
import { ByteReader } from "../../bytes/byte-reader.js";
import { MalformedFrameError } from "../../bytes/errors.js";
import type { ConsumedRecord } from "../types.js";
import { decodeBatch, scanBatches } from "./record-batch-decoder.js";
import type { BatchWalk } from "./record-batch-decoder.js";

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
  /**
   * With `lazy`: the same records, decoded as they are iterated, one batch at a time
   * (`records` stays empty). Each iteration decodes again; the records are views into
   * the response, as `records` are.
   */
  lazyRecords?: Iterable<ConsumedRecord>;
}

export interface DecodedFetchResponse {
  errorCode: number;
  /** False when a batch needs what this decoder does not do (old formats; an undecodable batch without `markUndecodable`). */
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
  options: { markSkipped?: boolean; markUndecodable?: boolean; lazy?: boolean } = {},
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
        if (options.lazy === true) {
          if (!scanBatches(records, decoded)) supported = false;
          decoded.lazyRecords = lazyRecords(decoded, fetchOffset, payload, records.offset, records.end, aborted);
        } else if (!decodeBatches(records, decoded, fetchOffset, aborted, options)) supported = false;
      }
      partitions.push(decoded);
    }
  }
  return { errorCode, supported, partitions };
}

/**
 * The records of a partition scanned by scanBatches, decoded batch by batch as they are
 * iterated: a restore writes them to its store as they come, and no more than one batch's
 * records are ever alive at once. A batch that cannot be read (damaged, or a codec this
 * Node lacks) fails the iteration with a MalformedFrameError naming its offsets.
 */
function lazyRecords(
  scanned: DecodedFetchPartition,
  fetchOffset: number,
  payload: Buffer,
  from: number,
  to: number,
  abortedTransactions: ReadonlyArray<{ producerId: number; firstOffset: number }>,
): Iterable<ConsumedRecord> {
  const { topic, partition } = scanned;
  return {
    *[Symbol.iterator]() {
      const c = new ByteReader(payload, from, to, "record batches");
      const out: DecodedFetchPartition = { ...scanned, records: [], nextOffset: fetchOffset };
      delete out.lazyRecords;
      const walk: BatchWalk = {
        aborted: [...abortedTransactions].sort((a, b) => a.firstOffset - b.firstOffset),
        abortedProducers: new Set<number>(),
        options: {},
      };
      for (;;) {
        out.records.length = 0;
        const step = decodeBatch(c, out, fetchOffset, walk);
        if (step === "end") return;
        if (step === "unsupported") {
          const at =
            walk.problem === undefined ? "" : ` at offsets ${walk.problem.baseOffset}..${walk.problem.lastOffset}`;
          throw new MalformedFrameError(
            `a record batch of ${topic}-${partition}${at} cannot be read: ${walk.problem?.reason ?? "it is not in the v2 format"}`,
          );
        }
        for (const record of out.records) yield record;
      }
    },
  };
}

/** Decodes the batches between `c.offset` and `c.end`; false when one needs kafkajs (see `supported`). */
function decodeBatches(
  c: ByteReader,
  out: DecodedFetchPartition,
  fetchOffset: number,
  abortedTransactions: Array<{ producerId: number; firstOffset: number }>,
  options: { markSkipped?: boolean; markUndecodable?: boolean },
): boolean {
  const walk: BatchWalk = {
    aborted: abortedTransactions.sort((a, b) => a.firstOffset - b.firstOffset),
    abortedProducers: new Set<number>(),
    options,
  };
  for (;;) {
    const step = decodeBatch(c, out, fetchOffset, walk);
    if (step === "unsupported") return false;
    if (step === "end") return true;
  }
}
