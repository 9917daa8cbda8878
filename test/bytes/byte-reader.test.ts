import { describe, expect, it } from "vitest";
import { ByteReader } from "../../src/bytes/byte-reader.js";
import { ByteWriter } from "../../src/bytes/byte-writer.js";
import { MalformedFrameError } from "../../src/bytes/errors.js";

function written(write: (w: ByteWriter) => void): Buffer {
  const w = new ByteWriter();
  write(w);
  return w.toBuffer();
}

describe("ByteReader", () => {
  it("reads back what ByteWriter wrote, big-endian", () => {
    const bytes = written((w) => {
      w.int8(-2);
      w.uint8(250);
      w.bool(true);
      w.int16(-300);
      w.uint16(65_000);
      w.int32(-70_000);
      w.uint32(4_000_000_000);
      w.int64(2 ** 53 - 1);
      w.int64(-1);
      w.float64(1.5);
    });
    const r = new ByteReader(bytes);
    expect([r.int8(), r.uint8(), r.bool(), r.int16(), r.uint16(), r.int32(), r.uint32()]).toEqual([
      -2,
      250,
      true,
      -300,
      65_000,
      -70_000,
      4_000_000_000,
    ]);
    expect([r.int64(), r.int64(), r.float64()]).toEqual([2 ** 53 - 1, -1, 1.5]);
    expect(r.remaining).toBe(0);
  });

  it("reads varints, varlongs and varbytes as Kafka's record format writes them", () => {
    const values = [0, 1, -1, 63, -64, 64, 127, 128, 300, -300, 2 ** 31 - 1, -(2 ** 31)];
    const longs = [0, -1, 2 ** 40, -(2 ** 40), 1_700_000_000_000, 2 ** 53 - 1];
    const bytes = written((w) => {
      for (const v of values) w.varint(v);
      for (const v of longs) w.varlong(v);
      w.varint(3);
      w.bytes(Buffer.from("abc"));
      w.varint(-1);
      w.unsignedVarint(2 ** 32 - 1);
    });
    const r = new ByteReader(bytes);
    expect(values.map(() => r.varint())).toEqual(values);
    expect(longs.map(() => r.varlong())).toEqual(longs);
    expect(r.varbytes()).toEqual(Buffer.from("abc"));
    expect(r.varbytes()).toBeNull();
    expect(r.unsignedVarint()).toBe(2 ** 32 - 1);
  });

  it("knows Kafka's varint byte layout (zig-zag, 7 bits a byte, low bits first)", () => {
    expect(new ByteReader(Buffer.from([0x01])).varint()).toBe(-1);
    expect(new ByteReader(Buffer.from([0xac, 0x02])).unsignedVarint()).toBe(300);
    expect(new ByteReader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])).unsignedVarint()).toBe(2 ** 32 - 1);
  });

  it("throws a MalformedFrameError naming the bytes when they end early, and reads nothing past its end", () => {
    const r = new ByteReader(Buffer.from([0, 0, 0, 1, 9, 9]), 0, 5, "record batch");
    expect(r.int32()).toBe(1);
    expect(() => r.int16()).toThrow(MalformedFrameError);
    expect(() => r.int16()).toThrow(/record batch ends early: need 2 bytes at 4, it ends at 5/);
    expect(() => new ByteReader(Buffer.from([0x80, 0x80])).varint()).toThrow(MalformedFrameError);
    expect(() => new ByteReader(Buffer.from([0x04, 1])).varbytes()).toThrow(MalformedFrameError);
    expect(() => new ByteReader(Buffer.from([1, 2])).bytes(-1)).toThrow(MalformedFrameError);
  });

  it("refuses varints longer than Kafka allows", () => {
    expect(() => new ByteReader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).unsignedVarint()).toThrow(
      /longer than 5 bytes/,
    );
    expect(() => new ByteReader(Buffer.alloc(11, 0x80)).varlong()).toThrow(/longer than 10 bytes/);
  });

  it("narrows to one record and widens again through `end`", () => {
    const r = new ByteReader(Buffer.from([1, 2, 3, 4]));
    r.end = 2;
    expect(r.bytes(2)).toEqual(Buffer.from([1, 2]));
    expect(() => r.int8()).toThrow(MalformedFrameError);
    r.end = 4;
    expect(r.bytes(2)).toEqual(Buffer.from([3, 4]));
  });
});
