import { describe, expect, it } from "vitest";
import {
  computeCrc,
  decodeRecords,
  readBatchHeader,
  setLogAppendTime,
  stampBatch,
} from "../../../src/broker/protocol/record-batch.js";
import { buildBatch } from "../support/record-batch-builder.js";

describe("record batch v2", () => {
  const records = [
    {
      key: Buffer.from("k1"),
      value: Buffer.from("v1"),
      headers: [{ key: "h", value: Buffer.from("x") }],
      timestamp: 1000,
    },
    { key: null, value: null, timestamp: 1500 },
    { key: Buffer.from("k3"), value: Buffer.alloc(300, 7), timestamp: 1200 },
  ];

  it("reads the header fields a producer wrote", () => {
    const batch = buildBatch(records);
    const header = readBatchHeader(batch);
    expect(header).toMatchObject({
      baseOffset: 0,
      size: batch.length,
      magic: 2,
      lastOffsetDelta: 2,
      baseTimestamp: 1000,
      maxTimestamp: 1500,
      producerId: -1,
      recordCount: 3,
    });
    expect(computeCrc(batch)).toBe(header.crc);
  });

  it("stamps the base offset and leader epoch outside the CRC", () => {
    const batch = buildBatch(records);
    const crc = readBatchHeader(batch).crc;
    stampBatch(batch, 2 ** 36 + 3, 0);
    const header = readBatchHeader(batch);
    expect(header.baseOffset).toBe(2 ** 36 + 3);
    expect(header.partitionLeaderEpoch).toBe(0);
    expect(computeCrc(batch)).toBe(crc);
  });

  it("rewrites the timestamp type and max timestamp for LogAppendTime with a valid CRC", () => {
    const batch = buildBatch(records);
    setLogAppendTime(batch, 99_999);
    const header = readBatchHeader(batch);
    expect(header.maxTimestamp).toBe(99_999);
    expect(header.attributes & 0x08).toBe(0x08);
    expect(computeCrc(batch)).toBe(header.crc);
    expect(decodeRecords(batch)!.map((r) => r.timestamp)).toEqual([99_999, 99_999, 99_999]);
  });

  it("decodes uncompressed and gzip records with keys, nulls and headers intact", () => {
    for (const compression of ["none", "gzip"] as const) {
      const batch = buildBatch(records, { compression });
      stampBatch(batch, 40, 0);
      const decoded = decodeRecords(batch)!;
      expect(decoded.map((r) => r.offset)).toEqual([40, 41, 42]);
      expect(decoded.map((r) => r.timestamp)).toEqual([1000, 1500, 1200]);
      expect(decoded[0]!.headers).toEqual([{ key: "h", value: Buffer.from("x") }]);
      expect(decoded[1]!.key).toBeNull();
      expect(decoded[1]!.value).toBeNull();
      expect(decoded[2]!.value).toEqual(Buffer.alloc(300, 7));
    }
  });
});
