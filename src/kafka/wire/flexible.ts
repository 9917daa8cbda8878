// What the KIP-447 codecs share: Kafka's compact ("flexible") encodings. kafkajs 2.2.4 speaks
// no flexible version; its connection writes request header v1 and hands a response's bytes
// after the correlation id to the decoder. Header v2 is header v1 followed by an empty
// tagged-field section, so a flexible request's body starts with that section here, and a
// flexible response's decoder first skips header v1's tagged fields.
import type { ByteReader } from "../../bytes/byte-reader.js";
import type { ByteWriter } from "../../bytes/byte-writer.js";

/** Bytes of Kafka's unsigned varint. */
export function unsignedVarintSize(value: number): number {
  let v = value >>> 0;
  let size = 1;
  while (v > 0x7f) {
    v >>>= 7;
    size += 1;
  }
  return size;
}

/** The request header's tagged-field section (empty), which kafkajs does not write. */
export function writeRequestHeaderTags(writer: ByteWriter): void {
  writer.unsignedVarint(0);
}

export function writeCompactString(writer: ByteWriter, value: string): void {
  const length = Buffer.byteLength(value);
  writer.unsignedVarint(length + 1);
  writer.string(value, length);
}

export function writeCompactNullableString(writer: ByteWriter, value: string | null): void {
  if (value === null) writer.unsignedVarint(0);
  else writeCompactString(writer, value);
}

/** An array's length, compact: n + 1 (0 is a null array). */
export function writeCompactLength(writer: ByteWriter, length: number): void {
  writer.unsignedVarint(length + 1);
}

export function writeEmptyTags(writer: ByteWriter): void {
  writer.unsignedVarint(0);
}

export function readCompactNullableString(reader: ByteReader): string | null {
  const length = reader.unsignedVarint() - 1;
  return length < 0 ? null : reader.string(length);
}

export function readCompactString(reader: ByteReader): string {
  return readCompactNullableString(reader) ?? "";
}

/** An array's element count; a null array counts none. */
export function readCompactLength(reader: ByteReader): number {
  return Math.max(0, reader.unsignedVarint() - 1);
}

/** Skips a tagged-field section: no tag Eddy reads is defined in the versions it sends. */
export function skipTags(reader: ByteReader): void {
  const count = reader.unsignedVarint();
  for (let i = 0; i < count; i++) {
    reader.unsignedVarint();
    reader.skip(reader.unsignedVarint());
  }
}
