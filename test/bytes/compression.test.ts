// Decoding snappy (raw and xerial-framed) and lz4 frames, the codecs Node lacks, against
// fixtures: the lz4 frames were written by the reference lz4 tool (v1.9.4), the snappy
// blocks by hand from the format description (a literal, an overlapping copy, a 2-byte copy).
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  CorruptCompressedDataError,
  DecompressedTooLargeError,
  ZSTD_AVAILABLE,
  decompress,
} from "../../src/bytes/compression.js";
import { decompressLz4Frame } from "../../src/bytes/lz4.js";
import { decompressSnappyPayload } from "../../src/bytes/snappy.js";
import { Compression } from "../../src/broker/protocol/record-batch.js";
import { xxhash32 } from "../../src/bytes/xxhash32.js";

const MiB = 1 << 20;

const PLAIN =
  "kafka-".repeat(40) +
  "end" +
  Array.from({ length: 300 }, (_, i) => String.fromCharCode(65 + ((i * 7) % 26))).join("");

const LZ4_FRAMES = {
  "independent blocks, content checksum":
    "04224d186440a7320000006f6b61666b612d0600d7ff0e656e6441484f56434a5158454c535a474e5542495057444b5259464d541a00fa504c535a474e000000002fbc0139",
  "block checksums, content size, content checksum":
    "04224d187c401f0200000000000050320000006f6b61666b612d0600d7ff0e656e6441484f56434a5158454c535a474e5542495057444b5259464d541a00fa504c535a474ef11ce196000000002fbc0139",
};

// "abcabcabcabcX": literal "abc", a 9-byte copy from 3 back (overlapping its own output), literal "X".
const SNAPPY_RUN = Buffer.from("0d0861626315030058", "hex");
// "hello, hello, world": literal "hello, ", a 2-byte-offset copy of 7 from 7 back, literal "world".
const SNAPPY_COPY2 = Buffer.from(
  "13" + "18" + Buffer.from("hello, ").toString("hex") + "1a0700" + "10" + Buffer.from("world").toString("hex"),
  "hex",
);

function xerial(...blocks: Buffer[]): Buffer {
  const header = Buffer.from("82534e41505059000000000100000001", "hex");
  return Buffer.concat([
    header,
    ...blocks.flatMap((block) => {
      const length = Buffer.alloc(4);
      length.writeInt32BE(block.length);
      return [length, block];
    }),
  ]);
}

/** An LZ4 frame around raw blocks (compressed unless `stored`), with the header checksum Kafka checks. */
function lz4Frame(blocks: { bytes: Buffer; stored?: boolean }[], flags = 0x60, bd = 0x40): Buffer {
  const descriptor = Buffer.from([flags, bd]);
  const header = Buffer.concat([
    Buffer.from("04224d18", "hex"),
    descriptor,
    Buffer.from([(xxhash32(descriptor) >>> 8) & 0xff]),
  ]);
  const body = blocks.flatMap(({ bytes, stored }) => {
    const size = Buffer.alloc(4);
    size.writeUInt32LE((bytes.length | (stored ? 0x80000000 : 0)) >>> 0);
    return [size, bytes];
  });
  return Buffer.concat([header, ...body, Buffer.alloc(4)]);
}

/** One LZ4 block of `length` zero bytes: a zero literal, then a match of the rest at offset 1. */
function zeroBlock(length: number): Buffer {
  const extra = length - 1 - 4 - 15;
  const lengthBytes = [...Array<number>(Math.floor(extra / 255)).fill(255), extra % 255];
  return Buffer.from([0x1f, 0x00, 0x01, 0x00, ...lengthBytes]);
}

describe("record batch decompression", () => {
  it.each(Object.entries(LZ4_FRAMES))("decodes an lz4 frame with %s", (_, hex) => {
    expect(decompressLz4Frame(Buffer.from(hex, "hex")).toString()).toBe(PLAIN);
    expect(decompress(Compression.LZ4, Buffer.from(hex, "hex"), MiB)!.toString()).toBe(PLAIN);
  });

  it("decodes raw snappy blocks, overlapping copies included, and xerial's framing of several blocks", () => {
    expect(decompressSnappyPayload(SNAPPY_RUN).toString()).toBe("abcabcabcabcX");
    expect(decompressSnappyPayload(SNAPPY_COPY2).toString()).toBe("hello, hello, world");
    expect(decompress(Compression.SNAPPY, xerial(SNAPPY_RUN, SNAPPY_COPY2), MiB)!.toString()).toBe(
      "abcabcabcabcXhello, hello, world",
    );
  });

  it("passes gzip to zlib, and zstd too where Node's zlib has it", () => {
    expect(decompress(Compression.GZIP, gzipSync("records"), MiB)!.toString()).toBe("records");
    // "records" compressed by the zstd tool (v1.5).
    const zstd = Buffer.from("28b52ffd04583900007265636f726473ab77d0c7", "hex");
    if (ZSTD_AVAILABLE) expect(decompress(Compression.ZSTD, zstd, MiB)!.toString()).toBe("records");
    else expect(decompress(Compression.ZSTD, zstd, MiB)).toBeNull();
  });

  it("refuses corrupt input instead of returning wrong bytes", () => {
    const badOffset = Buffer.from("0d0861626315090058", "hex"); // copies from before the start
    expect(() => decompressSnappyPayload(badOffset)).toThrow(CorruptCompressedDataError);
    expect(() => decompressSnappyPayload(SNAPPY_RUN.subarray(0, 6))).toThrow(CorruptCompressedDataError);
    const frame = Buffer.from(LZ4_FRAMES["independent blocks, content checksum"], "hex");
    expect(() => decompressLz4Frame(frame.subarray(0, 20))).toThrow(CorruptCompressedDataError);
    const wrongMagic = Buffer.from(frame);
    wrongMagic[0] = 0;
    expect(() => decompressLz4Frame(wrongMagic)).toThrow(CorruptCompressedDataError);
  });

  it("reads LZ4 frames as Kafka does: header and block checksums checked, independent blocks only", () => {
    const literal = Buffer.from([0x50, ...Buffer.from("hello")]);
    expect(decompressLz4Frame(lz4Frame([{ bytes: literal }])).toString()).toBe("hello");
    const badHeaderChecksum = lz4Frame([{ bytes: literal }]);
    badHeaderChecksum[6]! ^= 0xff;
    expect(() => decompressLz4Frame(badHeaderChecksum)).toThrow(/descriptor checksum/);
    expect(() => decompressLz4Frame(lz4Frame([{ bytes: literal }], 0x40))).toThrow(/dependent block/);
    expect(() => decompressLz4Frame(lz4Frame([{ bytes: literal }], 0x61))).toThrow(/reserved/);
    const checksummed = Buffer.from(LZ4_FRAMES["block checksums, content size, content checksum"], "hex");
    checksummed[checksummed.length - 9]! ^= 0x01; // the block checksum, before the end mark and content checksum
    expect(() => decompressLz4Frame(checksummed)).toThrow(/block checksum/);
    // A match in the second block that reaches back into the first one.
    const reachBack = Buffer.from([0x00, 0x05, 0x00]);
    expect(() => decompressLz4Frame(lz4Frame([{ bytes: literal }, { bytes: reachBack }]))).toThrow(/bad match/);
  });

  it("stops at the output limit, whatever the payload claims or inflates to", () => {
    // A gzip bomb: 64 concatenated gzip members of 1 MiB of zeros each (a few KB) that inflate to 64 MiB.
    const member = gzipSync(Buffer.alloc(MiB), { level: 9 });
    const bomb = Buffer.concat(Array<Buffer>(64).fill(member));
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => decompress(Compression.GZIP, bomb, MiB)).toThrow(DecompressedTooLargeError);
    expect(decompress(Compression.GZIP, member, MiB)!.length).toBe(MiB);
    // lz4: 64 KiB blocks of zeros, 20 bytes each.
    const lz4Bomb = lz4Frame(Array.from({ length: 1000 }, () => ({ bytes: zeroBlock(64 << 10) })));
    expect(decompressLz4Frame(lz4Frame([{ bytes: zeroBlock(64 << 10) }]))).toEqual(Buffer.alloc(64 << 10));
    expect(() => decompress(Compression.LZ4, lz4Bomb, MiB)).toThrow(DecompressedTooLargeError);
    // snappy: a block declaring 2 GiB is refused before anything is allocated.
    const huge = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08, 0x00]);
    expect(() => decompress(Compression.SNAPPY, huge, MiB)).toThrow(DecompressedTooLargeError);
    expect(() => decompress(Compression.SNAPPY, xerial(SNAPPY_RUN, SNAPPY_COPY2), 20)).toThrow(
      DecompressedTooLargeError,
    );
  });
});
