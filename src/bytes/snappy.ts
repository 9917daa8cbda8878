// snappy as Kafka producers write it into v2 batches: xerial's stream framing (Java) or one
// raw block (librdkafka). Node has no snappy, so it is decoded here.
import { corrupt, tooLarge } from "./compression-errors.js";

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16;

/**
 * Kafka's Java producer writes snappy in xerial's stream framing (magic, version, then blocks
 * each prefixed by their int32 length); librdkafka writes one raw snappy block. Both occur.
 * Output beyond `maxBytes` throws DecompressedTooLargeError before it is allocated: each
 * block declares its length up front.
 */
export function decompressSnappyPayload(payload: Buffer, maxBytes = Number.MAX_SAFE_INTEGER): Buffer {
  if (payload.length >= XERIAL_HEADER && payload.subarray(0, 8).equals(XERIAL_MAGIC)) {
    const blocks: Buffer[] = [];
    let total = 0;
    let at = XERIAL_HEADER;
    while (at < payload.length) {
      if (at + 4 > payload.length) corrupt("snappy: truncated xerial block length");
      const length = payload.readInt32BE(at);
      at += 4;
      if (length < 0 || at + length > payload.length) corrupt("snappy: xerial block overruns the payload");
      const block = decompressSnappyBlock(payload.subarray(at, at + length), maxBytes - total);
      blocks.push(block);
      total += block.length;
      at += length;
    }
    return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks, total);
  }
  return decompressSnappyBlock(payload, maxBytes);
}

/** One raw snappy block: a varint uncompressed length, then literals and back-references. */
export function decompressSnappyBlock(input: Buffer, maxBytes = Number.MAX_SAFE_INTEGER): Buffer {
  let at = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (at >= input.length || shift > 28) corrupt("snappy: bad length preamble");
    const byte = input[at++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
  }
  if (length > maxBytes) tooLarge(maxBytes);
  const out = Buffer.allocUnsafe(length);
  let written = 0;
  while (at < input.length) {
    const tag = input[at++]!;
    const kind = tag & 0x03;
    if (kind === 0) {
      let literal = tag >>> 2;
      if (literal >= 60) {
        const bytes = literal - 59;
        if (at + bytes > input.length) corrupt("snappy: truncated literal length");
        literal = input.readUIntLE(at, bytes);
        at += bytes;
      }
      literal += 1;
      if (at + literal > input.length || written + literal > length) corrupt("snappy: literal overruns");
      input.copy(out, written, at, at + literal);
      at += literal;
      written += literal;
      continue;
    }
    let copyLength: number;
    let offset: number;
    if (kind === 1) {
      if (at >= input.length) corrupt("snappy: truncated copy");
      copyLength = ((tag >>> 2) & 0x07) + 4;
      offset = ((tag >>> 5) << 8) | input[at++]!;
    } else if (kind === 2) {
      if (at + 2 > input.length) corrupt("snappy: truncated copy");
      copyLength = (tag >>> 2) + 1;
      offset = input.readUInt16LE(at);
      at += 2;
    } else {
      if (at + 4 > input.length) corrupt("snappy: truncated copy");
      copyLength = (tag >>> 2) + 1;
      offset = input.readUInt32LE(at);
      at += 4;
    }
    if (offset === 0 || offset > written || written + copyLength > length) corrupt("snappy: bad back-reference");
    copyWithin(out, written - offset, written, copyLength);
    written += copyLength;
  }
  if (written !== length) corrupt("snappy: output shorter than its preamble");
  return out;
}

/** A back-reference copy, which may overlap its own output (a run). */
export function copyWithin(out: Buffer, from: number, to: number, length: number): void {
  if (to - from >= length) {
    out.copy(out, to, from, from + length);
    return;
  }
  for (let i = 0; i < length; i++) out[to + i] = out[from + i]!;
}
