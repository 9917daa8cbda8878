// LZ4 frames as Kafka producers write them into v2 batches. Node has no lz4, so it is
// decoded here.
import { xxhash32 } from "./xxhash32.js";
import { corrupt, tooLarge } from "./compression-errors.js";
import { copyWithin } from "./snappy.js";

const LZ4_FRAME_MAGIC = 0x184d2204;

/** Block maximum sizes by the BD byte's size id (4..7). */
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];

/**
 * An LZ4 frame as Kafka reads one (KafkaLZ4BlockInputStream): magic, a frame descriptor with
 * independent blocks, version 1 and no reserved bit (so no dictionary id), its header checksum;
 * then blocks, compressed or stored, each decoded on its own and checked against its checksum
 * when the descriptor says so; an end mark; a content checksum that is skipped, as Kafka skips
 * it. Anything else is corrupt, as it is for Kafka. The output stops at `maxBytes`: a frame
 * that would decompress to more throws DecompressedTooLargeError once it gets there.
 */
export function decompressLz4Frame(input: Buffer, maxBytes = Number.MAX_SAFE_INTEGER): Buffer {
  if (input.length < 6) corrupt("lz4: truncated frame header");
  if (input.readUInt32LE(0) !== LZ4_FRAME_MAGIC) corrupt("lz4: not an LZ4 frame (invalid magic bytes)");
  const flags = input[4]!;
  if ((flags & 0x03) !== 0) corrupt("lz4: reserved frame descriptor bits are set");
  if ((flags & 0x20) === 0) corrupt("lz4: dependent block streams are not supported");
  if (flags >>> 6 !== 1) corrupt(`lz4: frame version ${flags >>> 6} is not supported`);
  const blockChecksum = (flags & 0x10) !== 0;
  const contentSize = (flags & 0x08) !== 0;
  const contentChecksum = (flags & 0x04) !== 0;
  const bd = input[5]!;
  const blockMax = LZ4_BLOCK_MAX[(bd >>> 4) & 0x07] ?? 0;
  if ((bd & 0x8f) !== 0 || blockMax === 0) corrupt("lz4: bad block descriptor");
  const descriptorEnd = 6 + (contentSize ? 8 : 0);
  if (descriptorEnd + 1 > input.length) corrupt("lz4: truncated frame descriptor");
  if (((xxhash32(input, 4, descriptorEnd) >>> 8) & 0xff) !== input[descriptorEnd]) {
    corrupt("lz4: frame descriptor checksum mismatch");
  }
  let at = descriptorEnd + 1;
  let out = Buffer.allocUnsafe(Math.min(blockMax, maxBytes));
  let written = 0;
  for (;;) {
    if (at + 4 > input.length) corrupt("lz4: truncated block size");
    const word = input.readUInt32LE(at);
    at += 4;
    if (word === 0) break;
    const stored = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    if (size > blockMax) corrupt(`lz4: block of ${size} bytes exceeds the frame's ${blockMax}`);
    if (at + size + (blockChecksum ? 4 : 0) > input.length) corrupt("lz4: block overruns the frame");
    if (blockChecksum && xxhash32(input, at, at + size) !== input.readUInt32LE(at + size)) {
      corrupt("lz4: block checksum mismatch");
    }
    const block = input.subarray(at, at + size);
    at += size + (blockChecksum ? 4 : 0);
    if (out.length - written < blockMax) {
      if (written >= maxBytes) tooLarge(maxBytes);
      const grown = Buffer.allocUnsafe(Math.min(Math.max(out.length * 2, written + blockMax), maxBytes + blockMax));
      out.copy(grown, 0, 0, written);
      out = grown;
    }
    written = stored ? written + block.copy(out, written) : decodeLz4Block(block, out, written, written + blockMax);
    if (written > maxBytes) tooLarge(maxBytes);
  }
  if (contentChecksum && at + 4 > input.length) corrupt("lz4: truncated content checksum");
  return out.subarray(0, written);
}

/** Decodes one LZ4 block into `out` from `written` (matches stay inside the block); returns the new end. */
function decodeLz4Block(input: Buffer, out: Buffer, written: number, limit: number): number {
  const blockStart = written;
  let at = 0;
  while (at < input.length) {
    const token = input[at++]!;
    let literal = token >>> 4;
    if (literal === 15) {
      let byte: number;
      do {
        if (at >= input.length) corrupt("lz4: truncated literal length");
        byte = input[at++]!;
        literal += byte;
      } while (byte === 255);
    }
    if (at + literal > input.length || written + literal > limit) corrupt("lz4: literal overruns");
    input.copy(out, written, at, at + literal);
    at += literal;
    written += literal;
    if (at >= input.length) break; // the last sequence has literals only
    if (at + 2 > input.length) corrupt("lz4: truncated match offset");
    const offset = input.readUInt16LE(at);
    at += 2;
    let match = (token & 0x0f) + 4;
    if ((token & 0x0f) === 15) {
      let byte: number;
      do {
        if (at >= input.length) corrupt("lz4: truncated match length");
        byte = input[at++]!;
        match += byte;
      } while (byte === 255);
    }
    if (offset === 0 || offset > written - blockStart || written + match > limit) corrupt("lz4: bad match");
    copyWithin(out, written - offset, written, match);
    written += match;
  }
  return written;
}
