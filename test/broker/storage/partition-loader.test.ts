// Loading a partition directory: a cleaner swap interrupted by a crash is completed or undone
// as a whole, producer state comes back from the snapshot plus the replayed tail, the
// aborted-transaction index is rebuilt for markers after the snapshot, and a damaged batch
// ends the log only in the part written since the last roll (Kafka's unflushed segments).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { cleanLog, planCleaning } from "../../../src/broker/log/log-cleaner.js";
import { PartitionLog } from "../../../src/broker/log/partition-log.js";
import type { SegmentStorage } from "../../../src/broker/log/segment-storage.js";
import { ControlType } from "../../../src/broker/protocol/control-record.js";
import { decodeRecords, isControl, readBatchHeader } from "../../../src/broker/protocol/record-batch.js";
import { FilePartitionStorage } from "../../../src/broker/storage/file-partition-storage.js";
import { loadPartition } from "../../../src/broker/storage/partition-loader.js";
import { toLogConfig } from "../../../src/broker/topics/topic-config.js";
import { quietLogger } from "../support/quiet-logger.js";
import { buildBatch, type BatchOptions } from "../support/record-batch-builder.js";

const config = toLogConfig(
  new Map([
    ["cleanup.policy", "compact"],
    ["segment.bytes", "400"],
    ["min.cleanable.dirty.ratio", "0.01"],
  ]),
);
const now = 1_700_000_000_000;

const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

describe("partition loader", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function newLog(): { dir: string; log: PartitionLog } {
    const dir = mkdtempSync(join(tmpdir(), "eddy-partition-"));
    dirs.push(dir);
    return {
      dir,
      log: new PartitionLog({
        topic: "t",
        partition: 0,
        config: () => config,
        storage: new FilePartitionStorage(dir, [], removeDir),
        now: () => now,
      }),
    };
  }

  function reload(dir: string, logger = quietLogger()): PartitionLog {
    const loaded = loadPartition(dir, { cleanShutdown: false, now, logger, removeDir });
    return new PartitionLog({
      topic: "t",
      partition: 0,
      config: () => config,
      storage: loaded.storage,
      now: () => now,
      recovered: loaded.log,
    });
  }

  function append(log: PartitionLog, key: string, value: string, options: BatchOptions = {}): void {
    const batch = buildBatch([{ key: Buffer.from(key), value: Buffer.from(value), timestamp: now }], options);
    expect(log.append(batch, readBatchHeader(batch)).errorCode).toBe(0);
  }

  function contents(log: PartitionLog): string[] {
    const bytes = Buffer.concat(log.read(log.logStartOffset, log.highWatermark, 1 << 30, true).records);
    const out: string[] = [];
    for (let at = 0; at < bytes.length;) {
      const header = readBatchHeader(bytes, at);
      if (!isControl(header.attributes)) {
        for (const r of decodeRecords(bytes.subarray(at, at + header.size))!)
          out.push(`${r.offset}:${String(r.key)}=${String(r.value)}`);
      }
      at += header.size;
    }
    return out;
  }

  function fill(log: PartitionLog): void {
    for (let i = 0; i < 40; i++) append(log, `k${i % 4}`, `v${i}`);
  }

  it("completes a swap that a crash interrupted after its commit point", () => {
    const { dir, log } = newLog();
    fill(log);
    const reference = newLog().log;
    fill(reference);
    const plan = planCleaning(reference, reference.cleanerCheckpoint, now)!;
    cleanLog(reference, plan, now);
    const expected = contents(reference);

    // The crash comes while the replaced segments are being deleted.
    const storages = log.segments.map((s) => s.storage);
    (storages[0] as SegmentStorage & { delete(): void }).delete = () => {
      throw new Error("killed");
    };
    expect(() => cleanLog(log, planCleaning(log, log.cleanerCheckpoint, now)!, now)).toThrow("killed");
    expect(readdirSync(dir).some((f) => f.endsWith(".swap"))).toBe(true);

    const recovered = reload(dir);
    expect(contents(recovered)).toEqual(expected);
    expect(readdirSync(dir).some((f) => f.endsWith(".swap") || f.endsWith(".cleaned"))).toBe(false);
  });

  it("drops a cleaned copy that a crash interrupted before its commit point", () => {
    const { dir, log } = newLog();
    fill(log);
    const before = contents(log);
    const storage = log.storage as FilePartitionStorage;
    const createCleaned = storage.createCleaned.bind(storage);
    storage.createCleaned = (base) => {
      const cleaned = createCleaned(base);
      cleaned.flush = () => {
        throw new Error("killed");
      };
      return cleaned;
    };
    expect(() => cleanLog(log, planCleaning(log, log.cleanerCheckpoint, now)!, now)).toThrow("killed");
    expect(readdirSync(dir).some((f) => f.endsWith(".cleaned"))).toBe(true);

    const recovered = reload(dir);
    expect(contents(recovered)).toEqual(before);
    expect(readdirSync(dir).some((f) => f.endsWith(".cleaned"))).toBe(false);
  });

  it("rebuilds producer state and the aborted-transaction index from the snapshot and the records after it", () => {
    const { dir, log } = newLog();
    const txn = (producerId: number, sequence: number, value: string) =>
      append(log, `k${value}`, value, { producerId, producerEpoch: 0, baseSequence: sequence, transactional: true });
    txn(1, 0, "a");
    log.appendMarker(1, 0, ControlType.ABORT);
    while (log.segments.length < 2) append(log, "filler", "x");
    // After the roll (and its snapshot): an aborted transaction, and one still open.
    txn(1, 1, "b");
    txn(2, 0, "c");
    log.appendMarker(1, 0, ControlType.ABORT);
    const open = log.lastStableOffset;
    expect(existsSync(join(dir, `${String(log.activeSegment.baseOffset).padStart(20, "0")}.snapshot`))).toBe(true);

    const recovered = reload(dir);
    expect(recovered.lastStableOffset).toBe(open);
    expect(recovered.abortedTransactions(0, recovered.highWatermark)).toEqual(
      log.abortedTransactions(0, log.highWatermark),
    );
    expect(recovered.producers.entry(1)).toEqual(log.producers.entry(1));
    expect(recovered.producers.entry(2)).toEqual(log.producers.entry(2));
    // The open transaction's producer continues where it was.
    const next = buildBatch([{ key: Buffer.from("kd"), value: Buffer.from("d") }], {
      producerId: 2,
      producerEpoch: 0,
      baseSequence: 1,
      transactional: true,
    });
    expect(recovered.append(next, readBatchHeader(next)).errorCode).toBe(0);
  });

  describe("after a crash, a damaged batch", () => {
    function recording(): { logger: Logger; lines: { level: number; msg: string }[] } {
      const lines: { level: number; msg: string }[] = [];
      const logger = pino(
        { level: "info" },
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
            done();
          },
        }),
      );
      return { logger, lines };
    }

    /** A log of three segments or more, the newest snapshot at the active segment's base. */
    function threeSegments(): { dir: string; log: PartitionLog } {
      const made = newLog();
      while (made.log.segments.length < 3) append(made.log, "k", `v${made.log.logEndOffset}`);
      for (let i = 0; i < 3; i++) append(made.log, "k", `v${made.log.logEndOffset}`);
      return made;
    }

    /** Flips the magic byte of the `index`th batch of a segment file. */
    function damage(dir: string, base: number, index: number): void {
      const path = join(dir, `${String(base).padStart(20, "0")}.log`);
      const bytes = readFileSync(path);
      let at = 0;
      for (let i = 0; i < index; i++) at += readBatchHeader(bytes, at).size;
      bytes[at + 16] = 9;
      writeFileSync(path, bytes);
    }

    it("in what was written since the last roll ends the log there, as Kafka's recovery does, reported at error", () => {
      const { dir, log } = threeSegments();
      const active = log.activeSegment.baseOffset;
      const before = contents(log);
      damage(dir, active, 1);
      const { logger, lines } = recording();
      const recovered = reload(dir, logger);
      expect(recovered.logEndOffset).toBe(active + 1);
      expect(contents(recovered)).toEqual(before.slice(0, active + 1));
      expect(lines.some((l) => l.level === 50 && l.msg.includes("ended the log there as Kafka does"))).toBe(true);
    });

    it("in an older, flushed segment is skipped: the records after it are kept, and it is reported at error", () => {
      const { dir, log } = threeSegments();
      const second = log.segments[1]!;
      const hidden = second.entries[1]!.baseOffset;
      const before = contents(log);
      damage(dir, second.baseOffset, 1);
      const { logger, lines } = recording();
      const recovered = reload(dir, logger);
      expect(recovered.logEndOffset).toBe(log.logEndOffset);
      expect(contents(recovered)).toEqual(before.filter((record) => !record.startsWith(`${hidden}:`)));
      expect(lines.some((l) => l.level === 50 && l.msg.includes("damaged batch in the middle of the log"))).toBe(true);
    });
  });
});
