import { describe, expect, it } from "vitest";
import { cleanLog, planCleaning } from "../../../src/broker/log/log-cleaner.js";
import { memorySegmentStorage } from "../../../src/broker/log/memory-segment-storage.js";
import { PartitionLog } from "../../../src/broker/log/partition-log.js";
import { ControlType } from "../../../src/broker/protocol/control-record.js";
import {
  computeCrc,
  decodeRecords,
  isControl,
  readBatchHeader,
  type BatchHeader,
} from "../../../src/broker/protocol/record-batch.js";
import { toLogConfig } from "../../../src/broker/topics/topic-config.js";
import { buildBatch, type BatchOptions, type TestRecord } from "../support/record-batch-builder.js";

interface Clock {
  now: number;
}

function makeLog(overrides: Record<string, string>, clock: Clock): PartitionLog {
  const config = toLogConfig(
    new Map(Object.entries({ "cleanup.policy": "compact", "min.cleanable.dirty.ratio": "0.01", ...overrides })),
  );
  return new PartitionLog({
    topic: "t",
    partition: 0,
    config: () => config,
    storage: memorySegmentStorage,
    now: () => clock.now,
  });
}

function record(key: string | null, value: string | null, timestamp: number): TestRecord {
  return { key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp };
}

function append(log: PartitionLog, records: TestRecord[], options: BatchOptions = {}): number {
  const batch = buildBatch(records, options);
  const result = log.append(batch, readBatchHeader(batch));
  expect(result.errorCode).toBe(0);
  return result.baseOffset;
}

interface Read {
  header: BatchHeader;
  batch: Buffer;
  records: { offset: number; key: string | null; value: string | null; timestamp: number }[];
}

function readAll(log: PartitionLog): Read[] {
  const bytes = Buffer.concat(log.read(log.logStartOffset, log.highWatermark, 1 << 30, true).records);
  const out: Read[] = [];
  for (let at = 0; at < bytes.length;) {
    const header = readBatchHeader(bytes, at);
    const batch = bytes.subarray(at, at + header.size);
    const records = decodeRecords(batch)!.map((r) => ({
      offset: r.offset,
      key: r.key === null ? null : r.key.toString(),
      value: r.value === null ? null : r.value.toString(),
      timestamp: r.timestamp,
    }));
    out.push({ header, batch, records });
    at += header.size;
  }
  return out;
}

function dataRecords(log: PartitionLog) {
  return readAll(log)
    .filter((b) => !isControl(b.header.attributes))
    .flatMap((b) => b.records);
}

function clean(log: PartitionLog, now: number): boolean {
  const plan = planCleaning(log, log.cleanerCheckpoint, now);
  if (!plan) return false;
  log.cleanerCheckpoint = cleanLog(log, plan, now).checkpoint;
  return true;
}

describe("log cleaner", () => {
  it("keeps the newest record of every key in closed segments, at its offset, and never touches the active segment", () => {
    const clock = { now: 1_000_000 };
    const log = makeLog({ "segment.bytes": "400" }, clock);
    for (let i = 0; i < 60; i++) append(log, [record(`k${i % 5}`, `v${i}`, clock.now + i)]);
    const active = log.activeSegment;
    const activeBytes = active.size;
    const before = dataRecords(log);
    expect(clean(log, clock.now)).toBe(true);
    expect(log.activeSegment).toBe(active);
    expect(log.activeSegment.size).toBe(activeBytes);
    const after = dataRecords(log);
    const activeOffsets = new Set(active.entries.map((e) => e.baseOffset));
    const closed = after.filter((r) => !activeOffsets.has(r.offset));
    // Closed segments: at most one record per key, each the newest before the active segment.
    expect(new Set(closed.map((r) => r.key)).size).toBe(closed.length);
    for (const r of after) expect(before.find((b) => b.offset === r.offset)).toEqual(r);
    const newest = new Map(before.map((r) => [r.key, r.offset]));
    const newestAfter = new Map(after.map((r) => [r.key, r.offset]));
    expect(newestAfter).toEqual(newest);
    expect(log.logEndOffset).toBe(60);
  });

  it("rewrites a batch that loses records with its base offset, producer fields and a valid CRC, and drops batches left empty", () => {
    const clock = { now: 1_000_000 };
    const log = makeLog({ "segment.bytes": "300" }, clock);
    append(log, [record("a", "1", clock.now), record("b", "1", clock.now + 1), record("c", "1", clock.now + 2)], {
      producerId: 7,
      producerEpoch: 0,
      baseSequence: 0,
    });
    append(log, [record("a", "2", clock.now + 3)], { producerId: 7, producerEpoch: 0, baseSequence: 3 });
    append(log, [record("c", "2", clock.now + 4)], {
      producerId: 7,
      producerEpoch: 0,
      baseSequence: 4,
      compression: "gzip",
    });
    append(log, [record("c", "3", clock.now + 5)], { producerId: 7, producerEpoch: 0, baseSequence: 5 });
    while (log.activeSegment.baseOffset <= 5) append(log, [record("z", "filler", clock.now + 6)]);
    expect(clean(log, clock.now)).toBe(true);
    const batches = readAll(log);
    for (const b of batches) {
      expect(b.records.length).toBeGreaterThan(0);
      expect(computeCrc(b.batch)).toBe(b.header.crc);
    }
    const first = batches[0]!;
    expect(first.header).toMatchObject({
      baseOffset: 0,
      producerId: 7,
      producerEpoch: 0,
      baseSequence: 0,
      recordCount: 1,
      lastOffsetDelta: 1,
    });
    expect(first.records).toEqual([{ offset: 1, key: "b", value: "1", timestamp: clock.now + 1 }]);
    expect(batches.map((b) => b.header.baseOffset)).not.toContain(4);
    expect(
      dataRecords(log)
        .filter((r) => r.key !== "z")
        .map((r) => `${r.key}${r.value}@${r.offset}`),
    ).toEqual(["b1@1", "a2@3", "c3@5"]);
  });

  it("keeps a tombstone for delete.retention.ms after the pass that first sees it, then removes it", () => {
    const clock = { now: 1_000_000 };
    const log = makeLog({ "segment.bytes": "300", "delete.retention.ms": "1000" }, clock);
    append(log, [record("gone", "v", clock.now)]);
    append(log, [record("kept", "v", clock.now)]);
    append(log, [record("gone", null, clock.now)]);
    while (log.segments.length < 2) append(log, [record("filler", "x", clock.now)]);
    expect(clean(log, clock.now)).toBe(true);
    expect(dataRecords(log).filter((r) => r.key === "gone")).toEqual([
      { offset: 2, key: "gone", value: null, timestamp: clock.now },
    ]);
    // Nothing new is dirty: only the horizon brings the cleaner back.
    clock.now += 999;
    expect(planCleaning(log, log.cleanerCheckpoint, clock.now)).toBeNull();
    clock.now += 1;
    expect(clean(log, clock.now)).toBe(true);
    expect(dataRecords(log).filter((r) => r.key === "gone")).toEqual([]);
    expect(dataRecords(log).filter((r) => r.key === "kept")).toHaveLength(1);
  });

  it("removes aborted transactions' data, keeps committed data, and drops markers after their horizon", () => {
    const clock = { now: 1_000_000 };
    const log = makeLog({ "segment.bytes": "600", "delete.retention.ms": "100" }, clock);
    const txn = (producerId: number, seq: number, key: string, value: string) =>
      append(log, [record(key, value, clock.now)], {
        producerId,
        producerEpoch: 0,
        baseSequence: seq,
        transactional: true,
      });
    txn(1, 0, "x", "aborted");
    txn(2, 0, "y", "committed");
    log.appendMarker(1, 0, ControlType.ABORT);
    log.appendMarker(2, 0, ControlType.COMMIT);
    let filler = 0;
    const roll = () => {
      const active = log.activeSegment;
      while (log.activeSegment === active) append(log, [record(`filler${filler++}`, "x", clock.now)]);
    };
    roll();
    const markers = () =>
      readAll(log)
        .filter((b) => isControl(b.header.attributes))
        .map((b) => b.header.producerId);
    expect(clean(log, clock.now)).toBe(true);
    const values = dataRecords(log).map((r) => r.value);
    expect(values).not.toContain("aborted");
    expect(values).toContain("committed");
    // The abort marker's data went in this pass, the commit marker's data stays: both remain.
    expect(markers()).toEqual([1, 2]);
    // The next pass finds the abort marker alone: it gets its delete horizon, ...
    roll();
    expect(clean(log, clock.now)).toBe(true);
    expect(markers()).toEqual([1, 2]);
    // ... and the pass after it removes it. The commit marker stays with its data.
    clock.now += 101;
    expect(clean(log, clock.now)).toBe(true);
    expect(markers()).toEqual([2]);
    expect(dataRecords(log).map((r) => r.value)).toContain("committed");
  });

  it("never cleans at or past the last stable offset, nor segments younger than min.compaction.lag.ms", () => {
    const clock = { now: 1_000_000 };
    const open = makeLog({ "segment.bytes": "300" }, clock);
    append(open, [record("k", "open", clock.now)], {
      producerId: 3,
      producerEpoch: 0,
      baseSequence: 0,
      transactional: true,
    });
    for (let i = 0; i < 20; i++) append(open, [record("k", `v${i}`, clock.now)]);
    expect(open.segments.length).toBeGreaterThan(2);
    expect(open.lastStableOffset).toBe(0);
    expect(planCleaning(open, open.cleanerCheckpoint, clock.now)).toBeNull();

    const young = makeLog({ "segment.bytes": "300", "min.compaction.lag.ms": "60000" }, clock);
    for (let i = 0; i < 20; i++) append(young, [record("k", `v${i}`, clock.now)]);
    expect(planCleaning(young, young.cleanerCheckpoint, clock.now)).toBeNull();
    expect(planCleaning(young, young.cleanerCheckpoint, clock.now + 60001)).not.toBeNull();
  });

  it("waits for min.cleanable.dirty.ratio of the cleanable bytes to be dirty", () => {
    const clock = { now: 1_000_000 };
    const log = makeLog({ "segment.bytes": "300", "min.cleanable.dirty.ratio": "0.5" }, clock);
    for (let i = 0; i < 40; i++) append(log, [record(`k${i}`, "v", clock.now)]);
    expect(clean(log, clock.now)).toBe(true);
    // Distinct keys: nothing was removed, so a little new data stays below the ratio.
    for (let i = 0; i < 10; i++) append(log, [record(`n${i}`, "v", clock.now)]);
    expect(planCleaning(log, log.cleanerCheckpoint, clock.now)).toBeNull();
    for (let i = 10; i < 80; i++) append(log, [record(`n${i}`, "v", clock.now)]);
    const plan = planCleaning(log, log.cleanerCheckpoint, clock.now);
    expect(plan).not.toBeNull();
    expect(plan!.dirtyRatio).toBeGreaterThanOrEqual(0.5);
  });

  it("leaves the log as it was when a batch cannot be read", () => {
    const clock = { now: 1_000_000 };
    const log = makeLog({ "segment.bytes": "300" }, clock);
    append(log, [record("k", "v1", clock.now)]);
    const broken = buildBatch([record("k", "v2", clock.now)], { compression: "gzip" });
    broken.fill(0x55, 61);
    broken.writeUInt32BE(computeCrc(broken), 17);
    expect(log.append(broken, readBatchHeader(broken)).errorCode).toBe(0);
    while (log.segments.length < 3) append(log, [record("k", "v3", clock.now)]);
    const before = log.segments.map((s) => [s.baseOffset, s.size, s.entries.length]);
    const plan = planCleaning(log, log.cleanerCheckpoint, clock.now)!;
    expect(() => cleanLog(log, plan, clock.now)).toThrow();
    expect(log.segments.map((s) => [s.baseOffset, s.size, s.entries.length])).toEqual(before);
  });
});
