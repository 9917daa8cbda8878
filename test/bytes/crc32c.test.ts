import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { crc32c } from "../../src/bytes/crc32c.js";

// kafkajs' own CRC-32C: what every Kafka client checks record batches with.
const require = createRequire(import.meta.url);
const kafkajsCrc32c = require("kafkajs/src/protocol/recordBatch/crc32C") as (b: Buffer) => number;

describe("crc32c", () => {
  it("matches the Castagnoli check value", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it("is independent of alignment: a range of a larger buffer gives the range's CRC", () => {
    const padded = Buffer.concat([Buffer.from("xyz"), Buffer.from("123456789"), Buffer.from("abcdefgh")]);
    expect(crc32c(padded, 3, 12)).toBe(0xe3069283);
    expect(crc32c(Buffer.from("xx123456789yy"), 2, 11).toString(16)).toBe("e3069283");
  });

  it("matches kafkajs' CRC-32C on every length around the 8-byte stride", () => {
    for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 63, 1000, 4099]) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255));
      expect(crc32c(bytes), `length ${n}`).toBe(kafkajsCrc32c(bytes));
    }
  });
});
