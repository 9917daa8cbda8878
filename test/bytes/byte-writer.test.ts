import { describe, expect, it } from "vitest";
import { ByteWriter, varintSize, varlongSize } from "../../src/bytes/byte-writer.js";

describe("ByteWriter, growing", () => {
  it("grows past its first scratch buffer and keeps the bytes in order", () => {
    const w = new ByteWriter(64);
    for (let i = 0; i < 1000; i += 1) w.int32(i);
    const bytes = w.toBuffer();
    expect(bytes.length).toBe(4000);
    for (let i = 0; i < 1000; i += 1) expect(bytes.readInt32BE(i * 4)).toBe(i);
  });

  it("references large byte runs instead of copying them, for one writev", () => {
    const big = Buffer.alloc(10_000, 7);
    const w = new ByteWriter();
    w.int16(1);
    w.bytes(big);
    w.int16(2);
    const chunks = w.finish();
    expect(chunks).toContain(big);
    expect(Buffer.concat(chunks)).toEqual(Buffer.concat([Buffer.from([0, 1]), big, Buffer.from([0, 2])]));
  });

  it("fills a reserved int32 later (a size prefix)", () => {
    const w = new ByteWriter();
    const size = w.reserveInt32();
    w.string("héllo", Buffer.byteLength("héllo"));
    size.buffer.writeInt32BE(w.length - 4, size.offset);
    expect(w.toBuffer()).toEqual(Buffer.concat([Buffer.from([0, 0, 0, 6]), Buffer.from("héllo")]));
  });
});

describe("ByteWriter, sized", () => {
  it("writes one contiguous buffer, large byte runs copied in place", () => {
    const big = Buffer.alloc(10_000, 7);
    const w = ByteWriter.sized(2 + big.length + 8);
    w.int16(1);
    w.bytes(big);
    w.bigInt64(-1n);
    const bytes = w.toBuffer();
    expect(bytes.length).toBe(10_010);
    expect(bytes.subarray(2, 10_002)).toEqual(big);
    expect(bytes.readBigInt64BE(10_002)).toBe(-1n);
  });

  it("refuses to write past its size or to hand out a partly written buffer", () => {
    const w = ByteWriter.sized(4);
    w.int16(1);
    expect(() => w.toBuffer()).toThrow(/sized 4 bytes got 2/);
    w.int32(1);
    expect(() => w.toBuffer()).toThrow(/sized 4 bytes got 6/);
    expect(() => w.bytes(Buffer.alloc(100))).toThrow(/sized 4 bytes was asked for 106/);
  });
});

describe("varint sizes", () => {
  it("are the bytes varint() and varlong() write", () => {
    for (const v of [0, 1, -1, 63, 64, -65, 8191, 8192, 2 ** 31 - 1, -(2 ** 31)]) {
      const w = new ByteWriter();
      w.varint(v);
      expect(w.length, `varint ${v}`).toBe(varintSize(v));
    }
    for (const v of [0, -1, 2 ** 30, -(2 ** 30) - 1, 2 ** 40, 1_700_000_000_000, 2 ** 53 - 1]) {
      const w = new ByteWriter();
      w.varlong(v);
      expect(w.length, `varlong ${v}`).toBe(varlongSize(v));
    }
  });
});
