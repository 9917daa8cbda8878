import { describe, expect, it } from "vitest";
import type { LogConfig } from "../../../src/broker/log/log-config.js";
import { MemorySegmentStorage, memorySegmentStorage } from "../../../src/broker/log/memory-segment-storage.js";
import { PartitionLog } from "../../../src/broker/log/partition-log.js";
import { ControlType } from "../../../src/broker/protocol/control-record.js";
import { readBatchHeader, decodeRecords } from "../../../src/broker/protocol/record-batch.js";
import { toLogConfig } from "../../../src/broker/topics/topic-config.js";
import { buildBatch } from "../support/record-batch-builder.js";

function makeLog(overrides: Record<string, string> = {}, clock = { now: 1_000_000 }): PartitionLog {
  const config: LogConfig = toLogConfig(new Map(Object.entries(overrides)));
  return new PartitionLog({
    topic: "t",
    partition: 0,
    config: () => config,
    storage: memorySegmentStorage,
    now: () => clock.now,
  });
}

function append(log: PartitionLog, count: number, timestamp = 1000, valueBytes = 10): number {
  const batch = buildBatch(
    Array.from({ length: count }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.alloc(valueBytes, i),
      timestamp: timestamp + i,
    })),
  );
  return log.append(batch, readBatchHeader(batch)).baseOffset;
}

function offsetsOf(records: Buffer[]): number[] {
  const bytes = Buffer.concat(records);
  const out: number[] = [];
  for (let at = 0; at < bytes.length;) {
    const header = readBatchHeader(bytes, at);
    for (const r of decodeRecords(bytes.subarray(at, at + header.size))!) out.push(r.offset);
    at += header.size;
  }
  return out;
}

describe("PartitionLog", () => {
  it("assigns consecutive offsets by stamping each batch's base offset", () => {
    const log = makeLog();
    expect(append(log, 3)).toBe(0);
    expect(append(log, 2)).toBe(3);
    expect(log.logEndOffset).toBe(5);
    expect(log.highWatermark).toBe(5);
    expect(offsetsOf(log.read(0, 5, 1 << 20, true).records)).toEqual([0, 1, 2, 3, 4]);
  });

  it("returns whole batches: the one holding the fetch offset, up to the byte limit", () => {
    const log = makeLog();
    append(log, 3);
    append(log, 3);
    append(log, 3);
    const one = log.read(4, log.highWatermark, 1, true);
    expect(offsetsOf(one.records)).toEqual([3, 4, 5]);
    const none = log.read(4, log.highWatermark, 1, false);
    expect(none.records).toEqual([]);
    const two = log.read(0, log.highWatermark, one.bytes * 2, false);
    expect(offsetsOf(two.records)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("never returns a batch at or past the upper bound", () => {
    const log = makeLog();
    append(log, 2);
    append(log, 2);
    expect(offsetsOf(log.read(0, 2, 1 << 20, true).records)).toEqual([0, 1]);
    expect(log.read(2, 2, 1 << 20, true).records).toEqual([]);
  });

  it("rolls segments at segment.bytes and reads across them", () => {
    const log = makeLog({ "segment.bytes": "300" });
    for (let i = 0; i < 6; i++) append(log, 2, 1000, 50);
    expect(log.segments.length).toBeGreaterThan(2);
    expect(log.segments.map((s) => s.baseOffset)).toEqual(
      [...log.segments.map((s) => s.baseOffset)].sort((a, b) => a - b),
    );
    expect(offsetsOf(log.read(3, log.highWatermark, 1 << 20, true).records)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("rolls a segment once a batch's timestamp is more than segment.ms past its first batch's, whatever the clock says", () => {
    const clock = { now: 1_000_000 };
    const log = makeLog({ "segment.ms": "1000" }, clock);
    append(log, 1, 5_000);
    clock.now += 60_000; // the broker's clock does not roll it: record time does (Kafka's LogSegment.shouldRoll)
    append(log, 1, 5_999);
    append(log, 1, 6_000); // exactly segment.ms later: not yet
    expect(log.segments.length).toBe(1);
    append(log, 1, 6_001);
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0, 3]);
    append(log, 1, 100); // an older batch never rolls
    expect(log.segments.length).toBe(2);
  });

  it("rolls by the broker's clock a segment whose first batch has no timestamp", () => {
    const clock = { now: 1_000_000 };
    const log = makeLog({ "segment.ms": "1000" }, clock);
    append(log, 1, -1);
    clock.now += 1_000;
    append(log, 1, -1);
    expect(log.segments.length).toBe(1);
    clock.now += 1;
    append(log, 1, -1);
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0, 2]);
  });

  it("finds the first offset at or after a timestamp, even when timestamps go backwards", () => {
    const log = makeLog({ "segment.bytes": "400" });
    const batches = [
      [5000, 5001],
      [3000, 3001],
      [9000, 9001],
      [7000, 7001],
    ];
    for (const timestamps of batches) {
      const batch = buildBatch(timestamps.map((timestamp) => ({ key: null, value: Buffer.alloc(40), timestamp })));
      log.append(batch, readBatchHeader(batch));
    }
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 5000 });
    expect(log.offsetForTimestamp(5001)).toEqual({ offset: 1, timestamp: 5001 });
    expect(log.offsetForTimestamp(6000)).toEqual({ offset: 4, timestamp: 9000 });
    expect(log.offsetForTimestamp(9001)).toEqual({ offset: 5, timestamp: 9001 });
    expect(log.offsetForTimestamp(9002)).toBeNull();
  });

  it("stamps LogAppendTime topics with the broker's clock", () => {
    const clock = { now: 123_456 };
    const log = makeLog({ "message.timestamp.type": "LogAppendTime" }, clock);
    const batch = buildBatch([{ key: null, value: Buffer.from("v"), timestamp: 5 }]);
    expect(log.append(batch, readBatchHeader(batch)).logAppendTime).toBe(123_456);
    const stored = log.read(0, 1, 1 << 20, true).records;
    expect(decodeRecords(Buffer.concat(stored))![0]!.timestamp).toBe(123_456);
    expect(log.offsetForTimestamp(100_000)).toEqual({ offset: 0, timestamp: 123_456 });
  });

  it("moves the log start offset on DeleteRecords and drops segments wholly below it", () => {
    const log = makeLog({ "segment.bytes": "200" });
    for (let i = 0; i < 5; i++) append(log, 2, 1000, 40);
    const segmentsBefore = log.segments.length;
    expect(log.deleteRecordsBefore(5)).toBe(5);
    expect(log.logStartOffset).toBe(5);
    expect(log.segments.length).toBeLessThan(segmentsBefore);
    expect(log.segments[0]!.baseOffset).toBeLessThanOrEqual(5);
    expect(log.deleteRecordsBefore(3)).toBe(5);
    expect(log.offsetForTimestamp(0)!.offset).toBe(5);
  });

  it("tells append listeners how many bytes arrived, and wakes them when deleted", () => {
    const log = makeLog();
    const seen: number[] = [];
    const off = log.onAppend((_, bytes) => seen.push(bytes));
    append(log, 1);
    off();
    append(log, 1);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThan(61);
    log.onAppend((l, bytes) => seen.push(l.isDeleted ? -bytes - 1 : bytes));
    log.delete();
    expect(seen.at(-1)).toBe(-1);
  });
});

describe("MemorySegmentStorage", () => {
  it("copies batches that are not its to keep and adopts large ones that are", () => {
    const storage = new MemorySegmentStorage();
    const small = Buffer.from("abc");
    storage.append(small, true);
    small.write("zzz");
    const large = Buffer.alloc(8192, 1);
    storage.append(large, true);
    const shared = Buffer.alloc(8192, 2);
    storage.append(shared, false);
    shared.fill(9);
    expect(storage.size).toBe(3 + 8192 + 8192);
    const all = Buffer.concat(storage.read(0, storage.size));
    expect(all.subarray(0, 3).toString()).toBe("abc");
    expect(all.subarray(3, 3 + 8192).every((b) => b === 1)).toBe(true);
    expect(all.subarray(3 + 8192).every((b) => b === 2)).toBe(true);
    expect(storage.read(3, 8192)[0]!.buffer).toBe(large.buffer);
  });

  it("reads any range across arenas and truncates a torn tail", () => {
    const storage = new MemorySegmentStorage();
    const pieces = Array.from({ length: 40 }, (_, i) => Buffer.alloc(1000, i));
    for (const piece of pieces) storage.append(piece, false);
    const expected = Buffer.concat(pieces);
    expect(Buffer.concat(storage.read(12_345, 20_000))).toEqual(expected.subarray(12_345, 32_345));
    storage.truncate(15_500);
    expect(storage.size).toBe(15_500);
    storage.append(Buffer.alloc(10, 0xee), false);
    const after = Buffer.concat(storage.read(15_000, 510));
    expect(after).toEqual(Buffer.concat([expected.subarray(15_000, 15_500), Buffer.alloc(10, 0xee)]));
  });

  it("copies small batches between adopted ones into the rest of one arena (a transaction's data and marker)", () => {
    const storage = new MemorySegmentStorage();
    const written: Buffer[] = [];
    for (let i = 0; i < 20; i++) {
      const data = Buffer.alloc(8192, i);
      const marker = Buffer.alloc(78, 0x80 + i);
      storage.append(data, true);
      storage.append(marker, true);
      written.push(data, marker);
    }
    expect(Buffer.concat(storage.read(0, storage.size))).toEqual(Buffer.concat(written));
    const markers = Array.from({ length: 20 }, (_, i) => storage.read(i * 8270 + 8192, 78)[0]!);
    expect(new Set(markers.map((m) => m.buffer)).size).toBe(1);
    // Adopted batches are kept by reference, not copied.
    expect(storage.read(0, 8192)[0]!.buffer).toBe(written[0]!.buffer);
  });
});

describe("PartitionLog transactions", () => {
  const TRANSACTIONAL = { producerEpoch: 0, transactional: true };

  function txnAppend(log: PartitionLog, producerId: number, sequence: number, value: string): number {
    const batch = buildBatch([{ key: null, value: Buffer.from(value) }], {
      producerId,
      baseSequence: sequence,
      ...TRANSACTIONAL,
    });
    const result = log.append(batch, readBatchHeader(batch));
    expect(result.errorCode).toBe(0);
    return result.baseOffset;
  }

  it("closes a segment of records older than segment.ms at a marker stamped with the broker's clock, as Kafka does", () => {
    // A changelog written with event times of long ago (a versioned store's versions): the
    // commit marker rolls their segment, which the cleaner may then compact at once.
    const clock = { now: 1_700_000_000_000 + 8 * 24 * 3_600_000 };
    const log = makeLog({ "cleanup.policy": "compact" }, clock);
    for (const [sequence, timestamp] of [1_700_000_000_010, 1_700_000_000_030, 1_700_000_000_020].entries()) {
      const batch = buildBatch([{ key: Buffer.from("EUR"), value: Buffer.from(`v${sequence}`), timestamp }], {
        producerId: 1,
        baseSequence: sequence,
        ...TRANSACTIONAL,
      });
      expect(log.append(batch, readBatchHeader(batch)).errorCode).toBe(0);
    }
    expect(log.segments.length).toBe(1);
    log.appendMarker(1, 0, ControlType.COMMIT);
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0, 3]);
  });

  it("holds the last stable offset at the first offset of the earliest open transaction", () => {
    const log = makeLog();
    append(log, 1);
    txnAppend(log, 1, 0, "a");
    txnAppend(log, 2, 0, "b");
    expect(log.lastStableOffset).toBe(1);
    expect(log.read(0, log.lastStableOffset, 1 << 20, true).nextOffset).toBe(1);
    log.appendMarker(1, 0, ControlType.COMMIT);
    expect(log.lastStableOffset).toBe(2);
    log.appendMarker(2, 0, ControlType.ABORT);
    expect(log.lastStableOffset).toBe(log.highWatermark);
    expect(log.abortedTransactions(0, log.highWatermark)).toEqual([
      { producerId: 2, firstOffset: 2, lastOffset: 4, lastStableOffset: 5 },
    ]);
  });

  it("lists, for a fetch, the aborted transactions with data in the returned range at their first returned batch, in offset order", () => {
    const log = makeLog();
    txnAppend(log, 1, 0, "p1-a"); // 0
    txnAppend(log, 2, 0, "p2-a"); // 1
    txnAppend(log, 2, 1, "p2-b"); // 2
    txnAppend(log, 1, 1, "p1-b"); // 3
    log.appendMarker(1, 0, ControlType.ABORT); // 4
    log.appendMarker(2, 0, ControlType.ABORT); // 5
    txnAppend(log, 3, 0, "p3"); // 6
    log.appendMarker(3, 0, ControlType.ABORT); // 7
    expect(log.abortedTransactionsForFetch(0, 8)).toEqual([
      { producerId: 1, firstOffset: 0 },
      { producerId: 2, firstOffset: 1 },
      { producerId: 3, firstOffset: 6 },
    ]);
    // Kafka would list producer 1 at 0 first; a consumer starting at 2 meets producer 2's record first.
    expect(log.abortedTransactionsForFetch(2, 8)).toEqual([
      { producerId: 2, firstOffset: 2 },
      { producerId: 1, firstOffset: 3 },
      { producerId: 3, firstOffset: 6 },
    ]);
    // Only markers of producers 1 and 2 are in [4, 6): nothing to filter.
    expect(log.abortedTransactionsForFetch(4, 6)).toEqual([]);
  });
});
