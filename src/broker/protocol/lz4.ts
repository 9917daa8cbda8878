// LZ4 frames as Kafka producers write them into v2 batches. Node has no lz4, so it is
// decoded here.
import { corrupt } from "./compression-errors.js";
import { copyWithin } from "./snappy.js";

const LZ4_FRAME_MAGIC = 0x184d2204;

/** Block maximum sizes by the BD byte's size id (4..7). */
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];

/**
 * An LZ4 frame (the format Kafka's producers write into v2 batches): header, blocks that are
 * compressed or stored, an end mark, optional checksums (skipped: the batch CRC covers them).
 */
export function decompressLz4Frame(input: Buffer): Buffer {
  if (input.length < 7 || input.readUInt32LE(0) !== LZ4_FRAME_MAGIC) corrupt("lz4: not an LZ4 frame");
  const flags = input[4]!;
  if (flags >>> 6 !== 1) corrupt("lz4: unsupported frame version");
  const blockChecksum = (flags & 0x10) !== 0;
  const contentSize = (flags & 0x08) !== 0;
  const contentChecksum = (flags & 0x04) !== 0;
  const dictionary = (flags & 0x01) !== 0;
  const blockMax = LZ4_BLOCK_MAX[(input[5]! >>> 4) & 0x07] ?? 0;
  if (blockMax === 0) corrupt("lz4: bad block size id");
  let at = 7 + (contentSize ? 8 : 0) + (dictionary ? 4 : 0);
  // Blocks may reference earlier blocks' output (linked blocks): decode into one window.
  let window = Buffer.allocUnsafe(0);
  let windowUsed = 0;
  for (;;) {
    if (at + 4 > input.length) corrupt("lz4: truncated block size");
    const word = input.readUInt32LE(at);
    at += 4;
    if (word === 0) break;
    const stored = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    if (at + size > input.length) corrupt("lz4: block overruns the frame");
    const block = input.subarray(at, at + size);
    at += size + (blockChecksum ? 4 : 0);
    if (window.length - windowUsed < blockMax) {
      const grown = Buffer.allocUnsafe(Math.max(window.length * 2, windowUsed + blockMax));
      window.copy(grown, 0, 0, windowUsed);
      window = grown;
    }
    const start = windowUsed;
    if (stored) {
      if (size > blockMax) corrupt("lz4: stored block larger than the block size");
      windowUsed += block.copy(window, windowUsed);
    } else {
      windowUsed = decodeLz4Block(block, window, windowUsed, start + blockMax);
    }
  }
  if (contentChecksum && at + 4 > input.length) corrupt("lz4: truncated content checksum");
  return Buffer.from(window.subarray(0, windowUsed));
}

/** Decodes one LZ4 block into `out` from `written` (earlier bytes are the match window); returns the new end. */
function decodeLz4Block(input: Buffer, out: Buffer, written: number, limit: number): number {
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
    if (offset === 0 || offset > written || written + match > limit) corrupt("lz4: bad match");
    copyWithin(out, written - offset, written, match);
    written += match;
  }
  return written;
}
