import { describe, expect, it } from "vitest";
import { applyRetention } from "../../../src/broker/log/log-retention.js";
import { memorySegmentStorage } from "../../../src/broker/log/memory-segment-storage.js";
import { PartitionLog } from "../../../src/broker/log/partition-log.js";
import { readBatchHeader } from "../../../src/broker/protocol/record-batch.js";
import { toLogConfig } from "../../../src/broker/topics/topic-config.js";
import { buildBatch } from "../support/record-batch-builder.js";

function makeLog(overrides: Record<string, string>, clock: { now: number }): PartitionLog {
  const config = toLogConfig(new Map(Object.entries(overrides)));
  return new PartitionLog({
    topic: "t",
    partition: 0,
    config: () => config,
    storage: memorySegmentStorage,
    now: () => clock.now,
  });
}

function append(log: PartitionLog, timestamp: number): void {
  const batch = buildBatch([{ key: Buffer.from("k"), value: Buffer.alloc(50, 1), timestamp }]);
  expect(log.append(batch, readBatchHeader(batch)).errorCode).toBe(0);
}

describe("log retention", () => {
  it("deletes whole segments whose newest record is older than retention.ms and moves the log start offset", () => {
    const clock = { now: 10_000_000 };
    const log = makeLog({ "retention.ms": "60000", "segment.bytes": "300" }, clock);
    for (let i = 0; i < 12; i++) append(log, clock.now - 120_000);
    for (let i = 0; i < 6; i++) append(log, clock.now);
    const segments = log.segments.length;
    const result = applyRetention(log, clock.now);
    expect(result.byTime).toBeGreaterThan(0);
    expect(log.segments.length).toBe(segments - result.byTime);
    expect(log.logStartOffset).toBe(log.segments[0]!.baseOffset);
    for (const segment of log.segments) expect(segment.maxTimestamp).toBeGreaterThanOrEqual(clock.now - 60_000);
    expect(log.logEndOffset).toBe(18);
  });

  it("rolls and deletes the active segment too when everything expired", () => {
    const clock = { now: 10_000_000 };
    const log = makeLog({ "retention.ms": "1000" }, clock);
    for (let i = 0; i < 5; i++) append(log, clock.now);
    clock.now += 5000;
    expect(applyRetention(log, clock.now).byTime).toBe(1);
    expect(log.segments).toHaveLength(1);
    expect(log.activeSegment.isEmpty).toBe(true);
    expect(log.logStartOffset).toBe(5);
    expect(log.logEndOffset).toBe(5);
    append(log, clock.now);
    expect(log.read(5, log.highWatermark, 1 << 20, true).bytes).toBeGreaterThan(0);
  });

  it("keeps at least retention.bytes", () => {
    const clock = { now: 10_000_000 };
    const log = makeLog({ "retention.bytes": "700", "segment.bytes": "300" }, clock);
    for (let i = 0; i < 30; i++) append(log, clock.now);
    const result = applyRetention(log, clock.now);
    expect(result.bySize).toBeGreaterThan(0);
    expect(log.size).toBeGreaterThanOrEqual(700);
    expect(log.size - log.segments[0]!.size).toBeLessThan(700);
  });

  it("leaves compact-only topics alone", () => {
    const clock = { now: 10_000_000 };
    const log = makeLog({ "cleanup.policy": "compact", "retention.ms": "1", "segment.bytes": "300" }, clock);
    for (let i = 0; i < 10; i++) append(log, clock.now - 100_000);
    expect(applyRetention(log, clock.now)).toEqual({ byTime: 0, bySize: 0 });
    expect(log.logStartOffset).toBe(0);
  });
});
