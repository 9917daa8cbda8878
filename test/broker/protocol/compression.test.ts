// Decoding snappy (raw and xerial-framed) and lz4 frames, the codecs Node lacks, against
// fixtures: the lz4 frames were written by the reference lz4 tool (v1.9.4), the snappy
// blocks by hand from the format description (a literal, an overlapping copy, a 2-byte copy).
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CorruptCompressedDataError, decompress } from "../../../src/broker/protocol/compression.js";
import { decompressLz4Frame } from "../../../src/broker/protocol/lz4.js";
import { decompressSnappyPayload } from "../../../src/broker/protocol/snappy.js";
import { Compression } from "../../../src/broker/protocol/record-batch.js";

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

describe("record batch decompression", () => {
  it.each(Object.entries(LZ4_FRAMES))("decodes an lz4 frame with %s", (_, hex) => {
    expect(decompressLz4Frame(Buffer.from(hex, "hex")).toString()).toBe(PLAIN);
    expect(decompress(Compression.LZ4, Buffer.from(hex, "hex"))!.toString()).toBe(PLAIN);
  });

  it("decodes raw snappy blocks, overlapping copies included, and xerial's framing of several blocks", () => {
    expect(decompressSnappyPayload(SNAPPY_RUN).toString()).toBe("abcabcabcabcX");
    expect(decompressSnappyPayload(SNAPPY_COPY2).toString()).toBe("hello, hello, world");
    expect(decompress(Compression.SNAPPY, xerial(SNAPPY_RUN, SNAPPY_COPY2))!.toString()).toBe(
      "abcabcabcabcXhello, hello, world",
    );
  });

  it("passes gzip to zlib and answers null for zstd", () => {
    expect(decompress(Compression.GZIP, gzipSync("records"))!.toString()).toBe("records");
    expect(decompress(Compression.ZSTD, Buffer.from("28b52ffd", "hex"))).toBeNull();
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
});
