// The per-record checks of a produced batch, with the codes Apache Kafka 4.4 answers for the
// same bytes (probed against a real broker): INVALID_RECORD for records that do not parse or
// tile the batch, INVALID_TIMESTAMP winning over key errors, and the two UNKNOWN_SERVER_ERROR
// answers Kafka gives by accident.
import { describe, expect, it } from "vitest";
import { validateRecords, type RecordRules } from "../../../src/broker/log/record-validator.js";
import { ErrorCode } from "../../../src/broker/protocol/error-codes.js";
import { BATCH_OVERHEAD, readBatchHeader } from "../../../src/broker/protocol/record-batch.js";
import { toLogConfig } from "../../../src/broker/topics/topic-config.js";
import { buildBatch, type TestRecord } from "../support/record-batch-builder.js";

const NOW = 1_700_000_000_000;
const plain: RecordRules = { compacted: false, config: toLogConfig(new Map()), now: NOW };
const compacted: RecordRules = { ...plain, compacted: true };
const recent: RecordRules = {
  ...plain,
  config: toLogConfig(
    new Map([
      ["message.timestamp.before.max.ms", "60000"],
      ["message.timestamp.after.max.ms", "60000"],
    ]),
  ),
};

const record = (key: string | null, timestamp = NOW): TestRecord => ({
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from("v"),
  timestamp,
});

/** Validates a batch's records as the broker does, with `count` overriding the declared count. */
function check(batch: Buffer, rules = plain, options: { count?: number; compressed?: boolean } = {}) {
  const header = { ...readBatchHeader(batch), ...(options.count === undefined ? {} : { recordCount: options.count }) };
  return validateRecords(batch.subarray(BATCH_OVERHEAD), 0, header, options.compressed ?? false, rules);
}

/** The same records with the batch's record bytes replaced. */
function withRecordBytes(batch: Buffer, bytes: Buffer): Buffer {
  return Buffer.concat([batch.subarray(0, BATCH_OVERHEAD), bytes]);
}

describe("record validation", () => {
  const three = buildBatch([record("a"), record("b"), record("c")]);

  it("accepts records that tile the batch exactly", () => {
    expect(check(three)).toBeNull();
    expect(check(three, plain, { compressed: true })).toBeNull();
  });

  it("refuses a declared count that does not match the records with INVALID_RECORD", () => {
    expect(check(three, plain, { count: 2 })).toMatchObject({
      errorCode: ErrorCode.INVALID_RECORD,
      message: expect.stringMatching(/bytes remain after the 2 records/),
    });
    expect(check(three, plain, { count: 4 })).toMatchObject({
      errorCode: ErrorCode.INVALID_RECORD,
      message: expect.stringMatching(/premature EOF/),
    });
    const zeros = withRecordBytes(three, Buffer.alloc(20));
    expect(check(zeros)!.errorCode).toBe(ErrorCode.INVALID_RECORD);
    const truncated = three.subarray(0, three.length - 3);
    expect(check(truncated)!.errorCode).toBe(ErrorCode.INVALID_RECORD);
  });

  it("answers UNKNOWN_SERVER_ERROR where Kafka's parser throws outside its error mapping", () => {
    const longLength = withRecordBytes(three, Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80]));
    expect(check(longLength)!.errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
    // The same bytes decompressed from a compressed batch are an INVALID_RECORD.
    expect(check(longLength, plain, { compressed: true })!.errorCode).toBe(ErrorCode.INVALID_RECORD);
    // Inner offsets 0, 0: stored as they are when uncompressed, a failure when compressed.
    const one = buildBatch([record("a")]).subarray(BATCH_OVERHEAD);
    const repeated = withRecordBytes(buildBatch([record("a"), record("b")]), Buffer.concat([one, one]));
    expect(check(repeated)).toBeNull();
    expect(check(repeated, plain, { compressed: true })!.errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
  });

  it("refuses a record without a key on a compacted topic", () => {
    const keyless = buildBatch([record("a"), record(null)]);
    expect(check(keyless)).toBeNull();
    expect(check(keyless, compacted)).toMatchObject({
      errorCode: ErrorCode.INVALID_RECORD,
      message: expect.stringMatching(/record 1: a compacted topic cannot accept a record without a key/),
    });
  });

  it("checks every record's timestamp, not only the batch's first and max", () => {
    // The batch header carries the first and the max timestamp; the middle record is too old.
    const middle = buildBatch([record("a", NOW), record("b", NOW - 3_600_000), record("c", NOW + 1000)]);
    expect(check(middle)).toBeNull();
    expect(check(middle, recent)).toMatchObject({
      errorCode: ErrorCode.INVALID_TIMESTAMP,
      message: expect.stringMatching(/record 1: timestamp/),
    });
    expect(check(buildBatch([record("a", -1)]), recent)).toBeNull();
    // Any timestamp error wins over a key error elsewhere in the batch, as in Kafka.
    const both = buildBatch([record(null, NOW), record("b", NOW - 3_600_000)]);
    expect(check(both, { ...recent, compacted: true })!.errorCode).toBe(ErrorCode.INVALID_TIMESTAMP);
  });

  it("refuses negative header counts and negative header key lengths", () => {
    const withHeader = buildBatch([{ key: Buffer.from("k"), value: null, headers: [{ key: "h", value: null }] }]);
    expect(check(withHeader)).toBeNull();
    const bytes = Buffer.from(withHeader.subarray(BATCH_OVERHEAD));
    // length | attributes | ts delta | offset delta | key len 1, "k" | value len -1 | headers 1 | key len 1 ...
    const headerCount = 1 + 1 + 1 + 1 + 1 + 1 + 1;
    bytes[headerCount] = 0x01; // zigzag -1
    expect(check(withRecordBytes(withHeader, bytes))).toMatchObject({
      errorCode: ErrorCode.INVALID_RECORD,
      message: expect.stringMatching(/invalid number of record headers -1/),
    });
    bytes[headerCount] = 0x02;
    bytes[headerCount + 1] = 0x01;
    expect(check(withRecordBytes(withHeader, bytes))!.message).toMatch(/negative header key size/);
  });
});
